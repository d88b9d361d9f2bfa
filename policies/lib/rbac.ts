/**
 * Kubernetes RBAC rules read for what they grant, not how they are spelled: grants that let the
 * holder escalate without any wildcard (read every secret, the kubelet API, minting tokens,
 * approving certificates, exec into pods, switching off admission guardrails).
 */
import { list, obj, str } from "./values";

/** Verbs that write. */
const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];
const READ_VERBS = ["get", "list", "watch"];

interface Grant {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames: readonly string[];
}

/** One escalation a rule grants, with why it matters. */
interface Escalation {
  /** API groups the resources live in. */
  readonly group: string;
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Only a risk when granted cluster-wide (in a ClusterRole). */
  readonly clusterWide: boolean;
  readonly why: string;
}

const ESCALATIONS: readonly Escalation[] = [
  { group: "", resources: ["secrets"], verbs: READ_VERBS, clusterWide: true, why: "reads every secret of the cluster" },
  {
    group: "",
    resources: ["nodes/proxy"],
    verbs: [...READ_VERBS, ...WRITE_VERBS],
    clusterWide: false,
    why: "reaches the kubelet API (exec into any pod of the node)",
  },
  {
    group: "",
    resources: ["serviceaccounts/token"],
    verbs: ["create"],
    clusterWide: false,
    why: "mints tokens for service accounts (acts as them)",
  },
  {
    group: "",
    resources: ["pods/exec", "pods/attach"],
    verbs: ["create", "get"],
    clusterWide: true,
    why: "runs commands in every pod of the cluster",
  },
  {
    group: "certificates.k8s.io",
    resources: ["certificatesigningrequests/approval"],
    verbs: ["update", "patch"],
    clusterWide: false,
    why: "approves certificate requests (any identity, including system:masters)",
  },
  {
    group: "certificates.k8s.io",
    resources: ["signers"],
    verbs: ["approve", "sign"],
    clusterWide: false,
    why: "approves or signs certificates",
  },
  {
    group: "admissionregistration.k8s.io",
    resources: [
      "validatingadmissionpolicies",
      "validatingadmissionpolicybindings",
      "mutatingadmissionpolicies",
      "mutatingadmissionpolicybindings",
      "validatingwebhookconfigurations",
      "mutatingwebhookconfigurations",
    ],
    verbs: WRITE_VERBS,
    clusterWide: false,
    why: "changes or removes the admission guardrails",
  },
];

const strings = (v: unknown) => list(v).map((x) => String(x).trim());

/** The escalations `rules` grant (resourceNames narrow a grant to named objects: not reported). */
export function rbacEscalations(rules: unknown, clusterRole: boolean): string[] {
  const out: string[] = [];
  list(rules).forEach((r, i) => {
    const rule = obj(r);
    const g: Grant = {
      apiGroups: strings(rule.apiGroups),
      resources: strings(rule.resources),
      verbs: strings(rule.verbs).map((v) => v.toLowerCase()),
      resourceNames: strings(rule.resourceNames),
    };
    if (g.resourceNames.length > 0) return;
    for (const e of ESCALATIONS) {
      if (e.clusterWide && !clusterRole) continue;
      if (!g.apiGroups.includes(e.group)) continue;
      const res = e.resources.filter((x) => g.resources.includes(x));
      const verbs = e.verbs.filter((v) => g.verbs.includes(v));
      if (res.length && verbs.length) out.push(`rules[${i}] grants ${verbs.join(", ")} on ${res.join(", ")}: ${e.why}`);
    }
  });
  return out;
}

/** Labels by which the built-in roles aggregate: selecting them copies admin/edit (or cluster-admin) rights. */
const POWERFUL_AGGREGATION = /^rbac\.authorization\.k8s\.io\/aggregate-to-(admin|edit|cluster-admin)$/;

/** Why an aggregationRule pulls in powerful roles, or undefined. */
export function powerfulAggregation(aggregationRule: unknown): string | undefined {
  for (const [i, s] of list(obj(aggregationRule).clusterRoleSelectors).entries()) {
    const sel = obj(s);
    const labels = Object.keys(obj(sel.matchLabels));
    const exprs = list(sel.matchExpressions).map(obj);
    if (labels.length === 0 && exprs.length === 0)
      return `aggregationRule.clusterRoleSelectors[${i}] selects every ClusterRole (cluster-admin included)`;
    const hit = [
      ...labels,
      ...exprs.filter((e) => str(e.operator) !== "NotIn" && str(e.operator) !== "DoesNotExist").map((e) => str(e.key) ?? ""),
    ].find((k) => POWERFUL_AGGREGATION.test(k));
    if (hit) return `aggregationRule.clusterRoleSelectors[${i}] pulls in every role labelled ${hit}`;
  }
  return undefined;
}

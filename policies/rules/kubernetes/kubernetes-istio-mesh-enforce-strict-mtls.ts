import { AMBIENT_LABEL, MESH_EXEMPT_ANNOTATION, MESH_ROOT_NAMESPACE } from "../../../contracts/mesh";
import { guardOf } from "../../lib/guarded-namespaces";
import { stackRule } from "../../lib/rule";
import { obj, read, str } from "../../lib/values";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const PEER_AUTHENTICATION = /^kubernetes:security\.istio\.io\/v1(beta1)?:PeerAuthentication$/;
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
/** Istio's node components, privileged by necessity: installed only in the mesh's own namespace. */
const NODE_CHARTS = ["ztunnel", "cni"];
const [LABEL_KEY, LABEL_VALUE] = Object.entries(AMBIENT_LABEL)[0] as [string, string];

/** `name` matches a platform-namespace pattern (`team-*` matches a prefix). */
function isPlatform(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** Istio's `mode` spelling: an absent mode inherits (UNSET). */
function modeOf(v: unknown): string {
  return (str(v) ?? "UNSET").trim().toUpperCase();
}

/**
 * In-cluster traffic is mutually authenticated and encrypted (Istio ambient): every platform,
 * team, pipeline and serving namespace carries `istio.io/dataplane-mode: ambient` (only the mesh's
 * own namespace stays out, saying why), a mesh-wide PeerAuthentication in the root namespace
 * demands STRICT mTLS, no PeerAuthentication anywhere weakens it (PERMISSIVE or DISABLE, for a
 * namespace, a workload or a port), and the privileged node components (ztunnel, the CNI agent)
 * are installed only in the mesh's namespace.
 */
export const kubernetesIstioMeshEnforceStrictMtls = stackRule({
  name: "kubernetes-istio-mesh-enforce-strict-mtls",
  check: ({ resources, settings, report }) => {
    const namespaces = resources.filter((r) => r.type === NAMESPACE);
    if (namespaces.length === 0) return;
    let platform = 0;
    for (const ns of namespaces) {
      const r = read(() => {
        const meta = obj(ns.props.metadata);
        const g = guardOf(ns.props);
        return {
          name: g.name,
          mustJoin: g.guarded || isPlatform(g.name, settings.platformNamespaces),
          mode: str(obj(meta.labels)[LABEL_KEY]),
          reason: str(obj(meta.annotations)[MESH_EXEMPT_ANNOTATION]),
        };
      });
      if (!r.known) {
        report(ns, `the namespace's ${r.path} is unknown during preview: whether it is in the mesh cannot be verified`);
        continue;
      }
      const { name, mustJoin, mode, reason } = r.value;
      if (!mustJoin) continue;
      platform++;
      if (mode === LABEL_VALUE) continue;
      if (name === MESH_ROOT_NAMESPACE && (reason ?? "").trim().length >= 10 && mode === undefined) continue;
      report(
        ns,
        `namespace ${name} is not in the mesh (${LABEL_KEY} is ${mode ?? "missing"}, not "${LABEL_VALUE}"): its traffic is plain text and unauthenticated`,
      );
    }
    if (platform === 0) return;

    let strictRoot = false;
    for (const pa of resources.filter((r) => PEER_AUTHENTICATION.test(r.type))) {
      const r = read(() => {
        const meta = obj(pa.props.metadata);
        const spec = obj(pa.props.spec);
        const ports = Object.entries(obj(spec.portLevelMtls)).map(([port, v]) => [port, modeOf(obj(v).mode)] as const);
        return {
          name: str(meta.name) ?? pa.name,
          namespace: str(meta.namespace) ?? "default",
          selector: Object.keys(obj(obj(spec.selector).matchLabels)).length > 0,
          mode: modeOf(obj(spec.mtls).mode),
          ports,
        };
      });
      if (!r.known) {
        report(pa, `the PeerAuthentication's ${r.path} is unknown during preview: its mTLS mode cannot be verified`);
        continue;
      }
      const { name, namespace, selector, mode, ports } = r.value;
      const where = `PeerAuthentication ${namespace}/${name}`;
      if (mode === "PERMISSIVE" || mode === "DISABLE") report(pa, `${where} sets mtls.mode ${mode}: meshed pods would accept plain text`);
      else if (!["UNSET", "STRICT"].includes(mode)) report(pa, `${where} sets an unknown mtls.mode "${mode}"`);
      for (const [port, m] of ports)
        if (m !== "STRICT" && m !== "UNSET") report(pa, `${where} sets port ${port} to ${m}: that port would accept plain text`);
      if (namespace === MESH_ROOT_NAMESPACE && !selector && mode === "STRICT") strictRoot = true;
    }
    if (!strictRoot) {
      const nameOf = (n: (typeof namespaces)[number]) => {
        const r = read(() => guardOf(n.props).name);
        return r.known ? r.value : undefined;
      };
      const anchor = namespaces.find((n) => nameOf(n) === MESH_ROOT_NAMESPACE) ?? namespaces[0];
      if (anchor)
        report(
          anchor,
          `no mesh-wide PeerAuthentication with mtls.mode STRICT in ${MESH_ROOT_NAMESPACE} (without a selector): meshed pods accept plain text`,
        );
    }

    for (const rel of resources.filter((r) => r.type === HELM_RELEASE)) {
      const r = read(() => ({
        chart: str(rel.props.chart) ?? "",
        repo: str(obj(rel.props.repositoryOpts).repo) ?? "",
        namespace: str(rel.props.namespace),
      }));
      if (!r.known) {
        report(rel, `the release's ${r.path} is unknown during preview: where it installs cannot be verified`);
        continue;
      }
      const { chart, repo, namespace } = r.value;
      const name = chart.split("/").pop() ?? "";
      if (NODE_CHARTS.includes(name) && /istio/.test(`${repo} ${chart}`) && namespace !== MESH_ROOT_NAMESPACE)
        report(
          rel,
          `the Istio ${name} chart runs privileged node agents: install it in ${MESH_ROOT_NAMESPACE} only, not ${namespace ?? "an unnamed namespace"}`,
        );
    }
  },
});

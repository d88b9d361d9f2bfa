/**
 * Secrets through Pulumi config and Alertmanager receivers: production refuses what it needs
 * unset (naming the command to run), development runs with the feature off and says so, and
 * every bad input is refused naming the key, the value and the fix.
 */
import { describe, expect, it } from "vitest";
import { alertingProblems, alertmanagerConfigSpec } from "../../components/k8s/alerting";
import { ConfigError, resolveConfig, secretPresence } from "../../stacks/config";
import { SECRET_IN_CLEAR_TEXT, SECRET_SET } from "../../stacks/schema";
import { deliverableReceivers, secretGaps } from "../../stacks/secrets";
import { UNDECRYPTABLE_SECRET } from "../../tools/lib/stack-config";
import { schemaError } from "../components/k8s/schemas";
import { rawOf } from "../support/stack-values";

function messageOf(raw: Record<string, unknown>, stack: string): string {
  try {
    resolveConfig(raw, "mlops-platform", stack);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error("configuration was accepted");
}

const services = (raw: Record<string, unknown>, alerting: unknown): Record<string, unknown> => ({
  ...raw,
  services: { ...(raw.services as object), alerting },
});

describe("secrets in production", () => {
  it("refuses an unset OIDC client secret, naming the exact command", () => {
    const { oidcClientSecret: _, ...raw } = rawOf("uae-prod");
    expect(messageOf(raw, "uae-prod")).toContain(
      "mlops-platform:oidcClientSecret: is required in production (the client secret of OIDC client \"mlops-platform-prod\" at https://sso.example.ae/realms/mlops); run: pulumi config set --secret 'mlops-platform:oidcClientSecret' <client-secret> --stack uae-prod",
    );
  });

  it("refuses an unset LDAP bind password with identity.ldap, but not the OIDC secret (Dex's is generated)", () => {
    const { oidcClientSecret: _, ...raw } = rawOf("uae-prod");
    const identity = {
      ...(raw.identity as object),
      ldap: { host: "ldap.example.ae:636", bindDn: "cn=svc", userBaseDn: "ou=u", groupBaseDn: "ou=g" },
    };
    const msg = messageOf({ ...raw, identity }, "uae-prod");
    expect(msg).toContain(
      "mlops-platform:ldapBindPassword: is required in production with identity.ldap (the password of cn=svc); run: pulumi config set --secret 'mlops-platform:ldapBindPassword' <bind-password> --stack uae-prod",
    );
    expect(msg).not.toContain("oidcClientSecret");
  });

  it("refuses an unset receiver credential and a production stack without receivers", () => {
    const { alertCredentials: _, ...raw } = rawOf("uae-prod");
    expect(messageOf(raw, "uae-prod")).toContain(
      "mlops-platform:alertCredentials.fraud-teams: is required: msteams receiver \"fraud-teams\" needs its webhook URL; run: pulumi config set --secret --path 'mlops-platform:alertCredentials.fraud-teams' <webhook-url> --stack uae-prod",
    );
    const none = services(rawOf("uae-prod"), { receivers: [], routes: [] });
    const { alertCredentials: __, ...noCreds } = none;
    expect(messageOf(noCreds, "uae-prod")).toContain(
      "mlops-platform:services.alerting.receivers: needs at least one receiver in production",
    );
  });

  it("refuses a secret key set without --secret, showing no value", () => {
    const msg = messageOf({ ...rawOf("uae-prod"), oidcClientSecret: SECRET_IN_CLEAR_TEXT }, "uae-prod");
    expect(msg).toContain(
      "mlops-platform:oidcClientSecret: is stored in clear text in Pulumi.uae-prod.yaml: remove it (pulumi config rm 'mlops-platform:oidcClientSecret' --stack uae-prod) and run: pulumi config set --secret",
    );
    expect(msg).toContain('(received: "(clear text, not shown)")');
  });

  it("accepts the shipped production stacks, whose stack files carry the secrets (encrypted)", () => {
    for (const stack of ["uae-prod", "uae-prod-azure"]) {
      const cfg = resolveConfig(rawOf(stack), "mlops-platform", stack);
      expect(cfg.secrets.oidcClientSecret).toBe("[secret]");
      expect(cfg.secrets.alertCredentials).toEqual({ "fraud-teams": "[secret]" });
      expect(secretGaps(cfg)).toEqual([]);
      // The values never enter the configuration object.
      expect(JSON.stringify(cfg)).not.toContain("PLACEHOLDER");
    }
  });
});

describe("the git webhook secret", () => {
  const git = (raw: Record<string, unknown>, value: unknown) => ({ ...raw, services: { ...(raw.services as object), git: value } });

  it("is required in production with services.git, naming the command; the shipped stacks carry it", () => {
    const { gitWebhookSecret: _, ...raw } = rawOf("uae-prod");
    expect(messageOf(raw, "uae-prod")).toContain(
      "mlops-platform:gitWebhookSecret: is required in production with services.git (the secret of the github webhook); run: pulumi config set --secret 'mlops-platform:gitWebhookSecret' <webhook-secret> --stack uae-prod",
    );
    for (const stack of ["uae-prod", "uae-prod-azure"])
      expect(resolveConfig(rawOf(stack), "mlops-platform", stack).secrets.gitWebhookSecret).toBe("[secret]");
  });

  it("is refused in clear text or without services.git", () => {
    const { gitWebhookSecret: _, ...raw } = rawOf("uae-prod");
    expect(messageOf({ ...raw, gitWebhookSecret: SECRET_IN_CLEAR_TEXT }, "uae-prod")).toContain(
      "mlops-platform:gitWebhookSecret: is stored in clear text in Pulumi.uae-prod.yaml",
    );
    expect(messageOf({ ...rawOf("dev"), gitWebhookSecret: "x" }, "dev")).toContain(
      "mlops-platform:gitWebhookSecret: is set but services.git is not",
    );
  });

  it("leaves the git trigger off in development when unset, and says how to turn it on", () => {
    const cfg = resolveConfig(git(rawOf("dev"), { provider: "gitlab", repositories: ["risk/fraud"] }), "mlops-platform", "dev");
    expect(cfg.services.git?.branches).toEqual(["main"]);
    const gap = secretGaps(cfg).find((g) => g.id === "git-webhook-secret");
    expect(gap?.steps).toEqual(["pulumi config set --secret 'mlops-platform:gitWebhookSecret' <webhook-secret> --stack dev"]);
  });

  it.each([
    [{ provider: "bitbucket", repositories: ["a/b"] }, "services.git.provider"],
    [{ provider: "github", repositories: [] }, "services.git.repositories: must list at least one repository"],
    [{ provider: "github", repositories: ["just-a-name"] }, 'services.git.repositories[0]: must be "owner/name"'],
  ])("refuses services.git %j", (value, expected) => {
    expect(messageOf(git(rawOf("dev"), value), "dev")).toContain(expected);
  });
});

describe("secrets in development", () => {
  it("runs with SSO and alerting off and says how to turn each on", () => {
    const cfg = resolveConfig(rawOf("dev"), "mlops-platform", "dev");
    // (The registry credentials' gaps are tested with the pull-through cache below.)
    const gaps = secretGaps(cfg).filter((g) => !g.id.startsWith("registry-credentials-"));
    expect(gaps.map((g) => g.id)).toEqual(["oidc-client-secret", "alert-receivers"]);
    expect(gaps[0]?.steps).toEqual(["pulumi config set --secret 'mlops-platform:oidcClientSecret' <client-secret> --stack dev"]);
    expect(gaps[1]?.summary).toMatch(/alerts reach no one/);
  });

  it("leaves out a receiver whose credential is unset, and says so", () => {
    const raw = services(rawOf("dev"), {
      receivers: [{ name: "ops", type: "slack", channel: "#ops" }],
      routes: [{ receiver: "ops", severity: "critical" }],
    });
    const cfg = resolveConfig(raw, "mlops-platform", "dev");
    expect(deliverableReceivers(cfg)).toEqual([]);
    expect(secretGaps(cfg).map((g) => g.id)).toContain("alert-credential-ops");
  });
});

describe("bad alerting input", () => {
  const dev = rawOf("dev");
  const cases: [string, unknown, Record<string, unknown>, string][] = [
    [
      "unknown type",
      { receivers: [{ name: "a", type: "pager" }] },
      {},
      'mlops-platform:services.alerting.receivers[0].type: must be one of "email", "webhook", "msteams", "slack" (received: "pager")',
    ],
    [
      "email without smarthost",
      { receivers: [{ name: "a", type: "email", to: "x@y.ae", from: "a@y.ae" }] },
      {},
      "mlops-platform:services.alerting.receivers[0].smarthost: is required for an email receiver",
    ],
    [
      "bad address",
      { receivers: [{ name: "a", type: "email", to: "not-an-address", from: "a@y.ae", smarthost: "s:25" }] },
      {},
      'receivers[0].to: must be one or more e-mail addresses, comma-separated (received: "not-an-address")',
    ],
    [
      "email field on slack",
      { receivers: [{ name: "a", type: "slack", to: "x@y.ae" }] },
      {},
      'receivers[0].to: is for email receivers only: remove it from slack receiver "a" (received: "x@y.ae")',
    ],
    [
      "route to unknown receiver",
      { receivers: [], routes: [{ receiver: "ghost" }] },
      {},
      'mlops-platform:services.alerting.routes[0].receiver: is not a receiver: use one of (none configured) (received: "ghost")',
    ],
    [
      "route to unknown team",
      { receivers: [{ name: "w", type: "webhook" }], routes: [{ receiver: "w", team: "nobody" }] },
      {},
      "routes[0].team: is not a team of this stack",
    ],
    [
      "bad severity",
      { receivers: [{ name: "w", type: "webhook" }], routes: [{ receiver: "w", severity: "page" }] },
      {},
      'routes[0].severity: must be one of "critical", "warning", "info" (received: "page")',
    ],
    [
      "credential for no receiver",
      { receivers: [] },
      { alertCredentials: { typo: "x" } },
      "mlops-platform:alertCredentials.typo: names no receiver in services.alerting.receivers (none): remove it or fix the name",
    ],
    [
      "unknown default receiver",
      { receivers: [{ name: "w", type: "webhook" }], defaultReceiver: "x" },
      {},
      'services.alerting.defaultReceiver: is not a receiver: use one of w (received: "x")',
    ],
    [
      "duplicate receiver",
      {
        receivers: [
          { name: "w", type: "webhook" },
          { name: "w", type: "slack" },
        ],
      },
      {},
      "receivers[1].name: duplicates another receiver",
    ],
  ];
  it.each(cases)("%s", (_, alerting, extra, expected) => {
    expect(messageOf({ ...services(dev, alerting), ...extra }, "dev")).toContain(expected);
  });

  it("refuses an LDAP bind password without LDAP", () => {
    expect(messageOf({ ...dev, ldapBindPassword: "x" }, "dev")).toContain(
      "mlops-platform:ldapBindPassword: is set but identity.ldap is not",
    );
  });
});

describe("the Alertmanager configuration", () => {
  const receivers = [
    { name: "oncall", type: "email", to: "a@b.ae", from: "am@b.ae", smarthost: "smtp.b.internal:587", authUsername: "am" },
    { name: "hook", type: "webhook" },
    { name: "teams", type: "msteams" },
    { name: "slack", type: "slack", channel: "#ml" },
  ] as const;
  const routes = [
    { receiver: "slack", severity: "warning" as const },
    { receiver: "teams", team: "fraud", severity: "critical" as const },
    { receiver: "hook", team: "fraud" },
  ];
  const spec = alertmanagerConfigSpec({ receivers, routes });

  it("is a valid AlertmanagerConfig (prometheus-operator's schema)", async () => {
    expect(
      await schemaError({
        apiVersion: "monitoring.coreos.com/v1alpha1",
        kind: "AlertmanagerConfig",
        metadata: { name: "p", namespace: "monitoring" },
        spec,
      }),
    ).toBeUndefined();
    expect(
      await schemaError({
        apiVersion: "monitoring.coreos.com/v1alpha1",
        kind: "AlertmanagerConfig",
        metadata: { name: "p" },
        spec: { receivers: [{ name: "x", slackConfigs: [{ apiURL: "https://in-clear" }] }] },
      }),
    ).toMatch(/apiURL/);
  });

  it("routes most specific first and references every credential from the Secret, never inline", () => {
    const route = spec.route as { receiver: string; routes: { receiver: string; matchers: { name: string; value: string }[] }[] };
    expect(route.receiver).toBe("oncall");
    expect(route.routes.map((r) => r.receiver)).toEqual(["teams", "teams", "hook", "hook", "slack"]);
    expect(route.routes[0]?.matchers).toEqual([
      { name: "severity", matchType: "=", value: "critical" },
      { name: "namespace", matchType: "=", value: "team-fraud" },
    ]);
    // The models' SLO alerts fire in the serving namespace, labelled with the owning team.
    expect(route.routes[1]?.matchers).toEqual([
      { name: "severity", matchType: "=", value: "critical" },
      { name: "team", matchType: "=", value: "fraud" },
    ]);
    const text = JSON.stringify(spec.receivers);
    expect(text.match(/"name":"alertmanager-receivers"/g)?.length).toBe(4);
  });

  it("the component refuses receivers without credentials and routes to unknown receivers", () => {
    expect(alertingProblems({ receivers: [{ name: "s", type: "slack" }], routes: [{ receiver: "t" }], credentials: {} })).toEqual([
      'alerting.receivers["s"]: a slack receiver needs its credential in alertCredentials["s"]',
      'alerting.routes[0].receiver: "t" is not a receiver; use one of s',
    ]);
  });
});

describe("registry credentials of the pull-through cache", () => {
  it("are required in production, each naming the exact command; the shipped stacks carry them", () => {
    const { registryCredentials: _, ...raw } = rawOf("uae-prod-azure");
    const msg = messageOf(raw, "uae-prod-azure");
    for (const key of ["docker-hub", "ghcr"])
      expect(msg).toContain(
        `mlops-platform:registryCredentials.${key}: is required in production: the stack registry's pull-through cache needs the ${key} credentials, or the images from there would come upstream; run: pulumi config set --secret --path 'mlops-platform:registryCredentials.${key}' <username>:<access-token> --stack uae-prod-azure`,
      );
    expect(Object.keys(resolveConfig(rawOf("uae-prod"), "mlops-platform", "uae-prod").secrets.registryCredentials).sort()).toEqual([
      "docker-hub",
      "ghcr",
    ]);
  });

  it("are refused in clear text and for a registry the cache does not know", () => {
    const raw = { ...rawOf("dev"), registryCredentials: { "docker-hub": SECRET_IN_CLEAR_TEXT } };
    expect(messageOf(raw, "dev")).toMatch(/registryCredentials\.docker-hub: is stored in clear text/);
    expect(messageOf({ ...rawOf("dev"), registryCredentials: { quay: "x" } }, "dev")).toMatch(/registryCredentials/);
  });

  it("are refused, naming the key and never the value, when a value is not <username>:<access-token>", () => {
    // What the Pulumi runtime hands the program for a --path secret: the decrypted object as JSON.
    for (const bad of ["dckr_pat_onlyTheToken", ":dckr_pat_noUser", "ana:", "", 42]) {
      const marked = secretPresence("registryCredentials", JSON.stringify({ "docker-hub": bad, ghcr: "ana:ghp_token" }), true);
      const msg = messageOf({ ...rawOf("dev"), registryCredentials: marked }, "dev");
      expect(msg).toContain(
        "mlops-platform:registryCredentials.docker-hub: is not in the form <username>:<access-token> (the pull-through cache needs both, split at the first ':'); run: pulumi config set --secret --path 'mlops-platform:registryCredentials.docker-hub' <username>:<access-token> --stack dev",
      );
      expect(msg).not.toMatch(/registryCredentials\.ghcr/);
      if (String(bad).length > 0) expect(msg).not.toContain(String(bad));
    }
    const good = secretPresence("registryCredentials", JSON.stringify({ "docker-hub": "ana:dckr_pat_x:y", ghcr: "ana:ghp_token" }), true);
    expect(
      Object.keys(resolveConfig({ ...rawOf("dev"), registryCredentials: good }, "mlops-platform", "dev").secrets.registryCredentials),
    ).toEqual(["docker-hub", "ghcr"]);
  });

  it("pass the offline plan's placeholder for an encrypted value, which cannot be judged without the stack's key", () => {
    // The offline plan cannot decrypt the stack file: every secure value reads as UNDECRYPTABLE_SECRET.
    // The form check must not refuse it (the shipped production stacks set these credentials).
    const offline = secretPresence("registryCredentials", JSON.stringify({ "docker-hub": UNDECRYPTABLE_SECRET }), true);
    expect(offline).toEqual({ "docker-hub": SECRET_SET });
  });

  it("leave Docker Hub and GHCR upstream in development when unset, and say how to set them", () => {
    const gaps = secretGaps(resolveConfig(rawOf("dev"), "mlops-platform", "dev"));
    const registry = gaps.filter((g) => g.id.startsWith("registry-credentials-"));
    expect(registry.map((g) => g.id)).toEqual(["registry-credentials-ghcr", "registry-credentials-docker-hub"]);
    expect(registry[1]?.steps).toEqual([
      "pulumi config set --secret --path 'mlops-platform:registryCredentials.docker-hub' <username>:<access-token> --stack dev",
    ]);
  });
});

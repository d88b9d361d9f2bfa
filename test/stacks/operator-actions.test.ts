/** What an operator must still provide: derived from the configuration, extensible, printed at the end of the plan. */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../stacks/config";
import { OPERATOR_ACTION_SOURCES, type OperatorActionSource, operatorActions } from "../../stacks/operator-actions";
import { formatOperatorActions, operatorActionsOf } from "../../tools/lib/operator-actions";
import { readStackConfig } from "../../tools/lib/stack-config";
import { shippedPlan } from "../support/shipped-plan";

const ROOT = resolve(__dirname, "../..");
function config(stack: string, over: Record<string, unknown> = {}) {
  const { values } = readStackConfig(ROOT, stack);
  const raw = Object.fromEntries(
    Object.entries(values)
      .filter(([k]) => k.startsWith("mlops-platform:"))
      .map(([k, v]) => [k.slice("mlops-platform:".length), v]),
  );
  return resolveConfig({ ...raw, ...over }, "mlops-platform", stack);
}

describe("operator actions", () => {
  it("lists the secrets, images, DNS and redirect URIs a stack still needs, with the stack's own names", () => {
    const actions = operatorActions(config("dev"));
    expect(actions.map((a) => a.id)).toEqual([
      "oidc-client-secret",
      "registry-credentials-ghcr",
      "registry-credentials-docker-hub",
      "alert-receivers",
      "platform-images",
      "mirror-images",
      "internal-dns",
      "oidc-redirect-uris",
    ]);
    const uris = actions.find((a) => a.id === "oidc-redirect-uris");
    expect(uris?.steps).toEqual([
      "https://argo.dev.mlops.internal/oauth2/callback",
      "https://mlflow.dev.mlops.internal/oauth2/callback",
      "https://grafana.dev.mlops.internal/login/generic_oauth",
    ]);
    expect(uris?.summary).toContain('"mlops-platform-dev"');
    expect(actions.find((a) => a.id === "platform-images")?.steps.join("\n")).toMatch(/<registryUrls\.steps>:\d+\.\d+\.\d+/);
    // ECR has no pull-through rule for nvcr.io: the GPU plugins' images are copied, which blocks the first up.
    const mirror = actions.find((a) => a.id === "mirror-images");
    expect(mirror?.blocksFirstUp).toBe(true);
    expect(mirror?.steps).toContain(
      "crane copy nvcr.io/nvidia/k8s-device-plugin:v0.20.0 <registry-host>/nvcr/nvidia/k8s-device-plugin:v0.20.0",
    );
    expect(operatorActions(config("dev-azure")).map((a) => a.id)).not.toContain("mirror-images");
    const secret = actions.find((a) => a.id === "oidc-client-secret");
    expect(secret?.blocksFirstUp).toBe(false);
    expect(secret?.steps).toEqual(["pulumi config set --secret 'mlops-platform:oidcClientSecret' <client-secret> --stack dev"]);
  });

  it("follows the configuration: a configured domain, and the LDAP bind password only with LDAP", () => {
    const ldap = { host: "ldap.example.ae:636", bindDn: "cn=svc", userBaseDn: "ou=u", groupBaseDn: "ou=g" };
    const identity = { ...(config("dev").identity as object), ldap };
    const cfg = config("dev", { identity, services: { domain: "ml.example.ae" } });
    const actions = operatorActions(cfg);
    expect(actions.find((a) => a.id === "ldap-bind-password")?.summary).toContain("cn=svc");
    expect(actions.find((a) => a.id === "internal-dns")?.summary).toContain("ml.example.ae");
    expect(operatorActions(config("dev")).some((a) => a.id === "ldap-bind-password")).toBe(false);
  });

  it("takes new sources with one line, refuses duplicate ids, and says when nothing is missing", () => {
    const cfg = config("dev");
    const extra: OperatorActionSource = (c) => [
      { id: "example-extra", kind: "secret", summary: `set receivers for ${c.stack}`, steps: [], blocksFirstUp: false },
    ];
    expect(operatorActions(cfg, [...OPERATOR_ACTION_SOURCES, extra]).at(-1)?.id).toBe("example-extra");
    expect(() => operatorActions(cfg, [extra, extra])).toThrow(/two actions have the id "example-extra"/);
    expect(operatorActions(cfg, [])).toEqual([]);
    expect(formatOperatorActions("dev", [])).toBe(
      'Nothing is missing: stack "dev" needs nothing more from an operator before `pulumi up`.',
    );
  });

  it.each(["dev", "uae-prod-azure"])(
    "%s: the plan carries the program's list as a stack output, and the plan text ends with it",
    (stack) => {
      const fromPlan = operatorActionsOf(shippedPlan(stack).outputs);
      expect(fromPlan).toEqual(operatorActions(config(stack)));
      const text = formatOperatorActions(stack, fromPlan);
      expect(text.split("\n")[0]).toBe(`Before \`pulumi up\` of stack "${stack}", an operator must still provide (${fromPlan.length}):`);
      for (const a of fromPlan) expect(text).toContain(a.summary);
    },
  );

  it("asks the owner of an existing Azure data lake to approve the private endpoints and confirm its location", () => {
    const lake = {
      name: "core-banking",
      uri: "abfss://curated@examplecorebanking.dfs.core.windows.net/lake",
      region: "uaenorth",
      storageAccountId:
        "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/lake/providers/Microsoft.Storage/storageAccounts/examplecorebanking",
    };
    const action = operatorActions(config("uae-prod-azure", { dataLakes: [lake] })).find((a) => a.id === "data-lake-core-banking");
    expect(action?.kind).toBe("data-access");
    expect(action?.steps[0]).toContain(`az storage account show --ids ${lake.storageAccountId} --query location`);
    // Without an account id there is no endpoint to approve (the plan warns instead).
    const { storageAccountId: _, ...bare } = lake;
    expect(operatorActions(config("uae-prod-azure", { dataLakes: [bare] })).some((a) => a.id.startsWith("data-lake-"))).toBe(false);
  });
});

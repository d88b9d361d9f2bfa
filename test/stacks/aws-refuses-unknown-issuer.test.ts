/**
 * An OIDC issuer whose endpoints the platform does not know is refused by the stack
 * configuration's validation, before any resource is registered (it used to be refused inside
 * PlatformServices after about 200 resources). A Pulumi program under mocks: its own process
 * (the `test/stacks/aws-*` entry of PROGRAM_FILES).
 */
import { expect, it } from "vitest";
import { ConfigError } from "../../stacks/config";
import { planStack } from "../../tools/lib/harness";

it("refuses an OIDC issuer whose endpoints the platform does not know before any resource is registered", async () => {
  const identity = {
    oidcIssuerUrl: "https://idp.example.ae/oauth",
    oidcClientId: "mlops-platform-dev",
    adminGroups: ["mlops-admins"],
  };
  const err = await planStack("dev", { config: { identity } }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).message).toMatch(/identity\.oidcIssuerUrl: is not an issuer whose endpoints the platform knows/);
  expect((err as ConfigError).message).toContain("https://idp.example.ae/oauth");
  // Before: PlatformServices refused it after about 200 resources. Now only the root stack resource exists.
  expect((err as { registeredTypes?: string[] }).registeredTypes).toEqual(["pulumi:pulumi:Stack"]);
});

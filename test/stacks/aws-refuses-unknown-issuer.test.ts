/**
 * An OIDC issuer whose endpoints the platform does not know is refused by the stack
 * configuration's validation, before any resource is registered (it used to be refused inside
 * PlatformServices after about 200 resources). Planned by the global setup
 * (test/support/plan-requests.ts, "dev+unknown-issuer").
 */
import { expect, it } from "vitest";
import { plannedError } from "../support/shipped-plan";

it("refuses an OIDC issuer whose endpoints the platform does not know before any resource is registered", () => {
  const err = plannedError("dev+unknown-issuer");
  expect(err.name).toBe("ConfigError");
  expect(err.message).toMatch(/identity\.oidcIssuerUrl: is not an issuer whose endpoints the platform knows/);
  expect(err.message).toContain("https://idp.example.ae/oauth");
  // Before: PlatformServices refused it after about 200 resources. Now only the root stack resource exists.
  expect(err.registeredTypes).toEqual(["pulumi:pulumi:Stack"]);
});

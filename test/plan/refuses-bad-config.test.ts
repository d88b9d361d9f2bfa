/** Planned by the global setup (test/support/plan-requests.ts, "dev+bad-config"). */
import { expect, it } from "vitest";
import { plannedError } from "../support/shipped-plan";

it("stops before any resource is registered when the configuration is invalid", () => {
  const err = plannedError("dev+bad-config");
  expect(err.name).toBe("ConfigError");
  expect(err.message).toContain('mlops-platform:profile: must be one of "smb", "enterprise" (received: "medium")');
  // Only the root stack resource exists: no provider, no cloud resource.
  expect(err.registeredTypes).toEqual(["pulumi:pulumi:Stack"]);
});

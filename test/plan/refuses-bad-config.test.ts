import { expect, it } from "vitest";
import { ConfigError } from "../../stacks/config";
import { planStack } from "../../tools/lib/harness";

it("stops before any resource is registered when the configuration is invalid", async () => {
  const err = await planStack("dev", { config: { region: "eu-west-1", profile: "medium" } }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  const message = (err as ConfigError).message;
  expect(message).toContain('mlops-platform:profile: must be one of "smb", "enterprise" (received: "medium")');
  // Only the root stack resource exists: no provider, no cloud resource.
  expect((err as { registeredTypes?: string[] }).registeredTypes).toEqual(["pulumi:pulumi:Stack"]);
});

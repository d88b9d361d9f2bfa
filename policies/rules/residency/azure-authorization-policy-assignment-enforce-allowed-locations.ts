import type { PolicyResource } from "@pulumi/policy";
import { normaliseLocation } from "../../lib/location";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

/** Built-in Azure Policy definitions that deny resources outside a list of locations. */
export const ALLOWED_LOCATIONS_DEFINITIONS: Readonly<Record<string, string>> = {
  "e56962a6-4747-49cd-b67b-bf8b01975c4c": "Allowed locations",
  "e765b5de-1225-4ba3-bd56-1ac6695af988": "Allowed locations for resource groups",
};
const RESOURCE_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c";
const ASSIGNMENT = "azure-native:authorization:PolicyAssignment";

function definitionOf(r: PolicyResource): string | undefined {
  const id = read(() => str(r.props.policyDefinitionId));
  if (!id.known || !id.value) return undefined;
  const guid = id.value.split("/").pop()?.toLowerCase() ?? "";
  return ALLOWED_LOCATIONS_DEFINITIONS[guid] ? guid : undefined;
}

const lower = (v: string) => v.toLowerCase().replace(/\/$/, "");

/**
 * In production Azure stacks, the Azure Policy "Allowed locations" guardrail is installed and
 * enforced: every resource group of the stack is covered by an assignment (at the subscription or
 * the group) whose locations are inside the allow-list, with enforcement on, no carve-outs
 * (notScopes, resource selectors, effect overrides) and no policy exemption against it.
 */
export const azureAuthorizationPolicyAssignmentEnforceAllowedLocations = stackRule({
  name: "azure-authorization-policy-assignment-enforce-allowed-locations",
  scope: "production",
  check: ({ resources, settings, report }) => {
    const groups = resources.filter((r) => r.type === "azure-native:resources:ResourceGroup");
    if (groups.length === 0) return;
    const assignments = resources.filter((r) => r.type === ASSIGNMENT && definitionOf(r) !== undefined);
    const allowed = settings.allowedAzureLocations;
    for (const a of assignments) {
      const mode = read(() => str(a.props.enforcementMode));
      if (!mode.known || (mode.value !== undefined && mode.value.toLowerCase() !== "default"))
        report(
          a,
          `enforcementMode is "${mode.known ? mode.value : "(unknown)"}": the allowed-locations guardrail only audits; set "Default"`,
        );
      const locations = read(() => list(obj(obj(a.props.parameters).listOfAllowedLocations).value).map((v) => str(v) ?? ""));
      if (!locations.known) report(a, "parameters.listOfAllowedLocations is unknown during preview: the guardrail cannot be verified");
      else if (locations.value.length === 0) report(a, "parameters.listOfAllowedLocations is empty");
      else {
        const outside = locations.value.filter((l) => !allowed.includes(normaliseLocation(l)));
        if (outside.length) report(a, `the guardrail allows ${outside.join(", ")}, outside ${allowed.join(", ")}`);
      }
      if (list(a.props.notScopes).length)
        report(a, `notScopes exempts ${list(a.props.notScopes).map(String).join(", ")} from the guardrail`);
      if (list(a.props.resourceSelectors).length) report(a, "resourceSelectors narrow the guardrail to some resources only");
      if (list(a.props.overrides).length) report(a, "overrides change the guardrail's effect");
    }
    // Every assignment of this stack, by id and name: an exemption against an assignment that is not
    // one of them cannot be verified not to be an allowed-locations guardrail (the tenant's own, say).
    const stackAssignments = resources.filter((r) => r.type === ASSIGNMENT);
    const keysOf = (a: PolicyResource) =>
      ["id", "policyAssignmentName"]
        .map((k) => read(() => str(a.props[k])))
        .filter((v) => v.known && !!v.value)
        .map((v) => (v as { value: string }).value.toLowerCase().replace(/\/+$/, ""));
    const names = (list: PolicyResource[]) => list.flatMap(keysOf);
    const matches = (target: string, keys: string[]) => keys.some((k) => target === k || target.endsWith(`/${k}`));
    const guardrailKeys = names(assignments);
    const otherKeys = names(stackAssignments.filter((a) => !assignments.includes(a)));
    for (const e of resources.filter((r) => r.type === "azure-native:authorization:PolicyExemption")) {
      const target = read(() => str(e.props.policyAssignmentId));
      const deps = e.propertyDependencies.policyAssignmentId ?? [];
      if (deps.some((d) => assignments.some((a) => a.urn === d.urn))) {
        report(e, "a policy exemption switches the allowed-locations guardrail off for part of the stack");
        continue;
      }
      if (deps.some((d) => d.type === ASSIGNMENT)) continue;
      if (!target.known) {
        report(e, "policyAssignmentId is unknown during preview: the exemption may waive the allowed-locations guardrail");
        continue;
      }
      const t = (target.value ?? "").toLowerCase().replace(/\/+$/, "");
      if (matches(t, guardrailKeys) || !matches(t, otherKeys))
        report(
          e,
          matches(t, guardrailKeys)
            ? "a policy exemption switches the allowed-locations guardrail off for part of the stack"
            : `a policy exemption waives "${target.value}", which is not a policy assignment of this stack: it may be an allowed-locations guardrail; exempt only this stack's own non-residency assignments`,
        );
    }
    const covering = assignments
      .filter((a) => definitionOf(a) === RESOURCE_LOCATIONS)
      .map((a) => read(() => str(a.props.scope)))
      .map((s) => (s.known ? lower(s.value ?? "") : undefined));
    for (const g of groups) {
      const name = read(() => str(g.props.resourceGroupName));
      const covered = covering.some(
        (scope) =>
          scope === undefined ||
          /^\/subscriptions\/[^/]+$/.test(scope) ||
          /^\/providers\/microsoft\.management\/managementgroups\//.test(scope) ||
          (name.known && !!name.value && scope.endsWith(`/resourcegroups/${name.value.toLowerCase()}`)),
      );
      if (!covered)
        report(g, `resource group ${name.known ? name.value : g.name} is not covered by an "Allowed locations" policy assignment`);
    }
  },
});

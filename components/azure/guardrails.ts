/**
 * Residency guardrails enforced by Azure itself: assignments of the built-in policies "Allowed
 * locations" (every resource in the platform's resource groups) and "Allowed locations for
 * resource groups" (the subscription), restricted to the UAE locations. A resource that anyone
 * (or any tool) tries to create elsewhere is denied at run time, not only before deployment.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { AZURE_UAE_LOCATIONS } from "../../contracts/regions";
import { BUILTIN_POLICIES } from "./roles";
import { ArgsCheck } from "./validate";

/** Arguments of {@link Guardrails}. */
export interface GuardrailsArgs {
  /** Location recorded on the assignments. */
  readonly location: string;
  /** Locations the policies allow; a non-empty subset of the UAE allow-list. @default every UAE location */
  readonly allowedLocations?: readonly string[];
  /** Scopes (resource group ids) where "Allowed locations" is assigned. */
  readonly resourceGroupScopes: Readonly<Record<string, pulumi.Input<string>>>;
  /** Subscription id where "Allowed locations for resource groups" is assigned. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Prefix of the assignment names (unique per stack). */
  readonly assignmentPrefix: string;
}

/** The two location policy assignments. */
export class Guardrails extends pulumi.ComponentResource {
  /** Assignment ids, by scope key (`subscription` for the resource-group policy). */
  public readonly assignmentIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: GuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    const allowed = args.allowedLocations ?? [...AZURE_UAE_LOCATIONS];
    new ArgsCheck("mlops-platform:azure:Guardrails", name)
      .location(args.location)
      .require(allowed.length > 0, "allowedLocations", allowed, "list at least one UAE location")
      .require(
        allowed.every((l) => (AZURE_UAE_LOCATIONS as readonly string[]).includes(l)),
        "allowedLocations",
        allowed,
        `may only contain UAE locations: ${AZURE_UAE_LOCATIONS.join(", ")}`,
      )
      .require(
        Object.keys(args.resourceGroupScopes).length > 0,
        "resourceGroupScopes",
        Object.keys(args.resourceGroupScopes),
        "list the platform's resource groups",
      )
      .require(
        /^[a-z][a-z0-9-]{0,30}$/.test(args.assignmentPrefix),
        "assignmentPrefix",
        args.assignmentPrefix,
        "must be a lowercase DNS label of at most 31 characters",
      )
      .done();
    super("mlops-platform:azure:Guardrails", name, {}, opts);

    const parameters = { listOfAllowedLocations: { value: [...allowed] } };
    const message = `Data residency: resources of this platform may only be created in ${allowed.join(", ")} (UAE).`;
    const ids: Record<string, pulumi.Output<string>> = {};
    for (const [key, scope] of Object.entries(args.resourceGroupScopes)) {
      const assignment = new authorization.PolicyAssignment(
        `${name}-${key}-allowed-locations`,
        {
          scope,
          location: args.location,
          policyAssignmentName: `${args.assignmentPrefix}-${key}-locations`.slice(0, 64),
          displayName: `Allowed locations (UAE) - ${key}`,
          policyDefinitionId: BUILTIN_POLICIES.allowedLocations,
          parameters,
          enforcementMode: "Default",
          nonComplianceMessages: [{ message }],
        },
        { parent: this },
      );
      ids[key] = assignment.id;
    }
    const rg = new authorization.PolicyAssignment(
      `${name}-resource-group-locations`,
      {
        scope: pulumi.interpolate`/subscriptions/${args.subscriptionId}`,
        location: args.location,
        policyAssignmentName: `${args.assignmentPrefix}-rg-locations`.slice(0, 64),
        displayName: `Allowed locations for resource groups (UAE) - ${args.assignmentPrefix}`,
        policyDefinitionId: BUILTIN_POLICIES.allowedResourceGroupLocations,
        parameters,
        enforcementMode: "Default",
        nonComplianceMessages: [{ message }],
      },
      { parent: this },
    );
    ids.subscription = rg.id;
    this.assignmentIds = ids;
    this.registerOutputs({ assignmentIds: this.assignmentIds });
  }
}

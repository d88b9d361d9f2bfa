/**
 * Role assignments: one helper so that every grant of the platform is a built-in data-plane or
 * narrowly scoped role (never Owner/Contributor), on an exact resource, for a service principal
 * (or, for people, an Entra group).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { type BuiltinRole, roleDefinitionId } from "./roles";

/** One grant. */
export interface RoleGrant {
  /** Subscription of the role definition. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Object (principal) id of the managed identity (or of the Entra group, with `principalType: "Group"`). */
  readonly principalId: pulumi.Input<string>;
  /** What the principal is. @default "ServicePrincipal" — a managed identity */
  readonly principalType?: "ServicePrincipal" | "Group";
  readonly role: BuiltinRole;
  /** Exact resource id the role applies to (container, queue, key, registry, subnet, …). */
  readonly scope: pulumi.Input<string>;
  /** ABAC condition (version 2.0), e.g. a blob path prefix. @default none (the whole scope) */
  readonly condition?: string;
  /** Why the grant exists, shown in the portal. @default none */
  readonly description?: string;
}

/** Creates the role assignment `${name}` as a child of `parent`. */
export function assignRole(
  name: string,
  grant: RoleGrant,
  parent: pulumi.Resource,
  dependsOn?: pulumi.Input<pulumi.Resource>[],
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: grant.principalId,
      // Service principal type avoids the replication-delay failure right after identity creation.
      principalType: grant.principalType ?? "ServicePrincipal",
      roleDefinitionId: pulumi.output(grant.subscriptionId).apply((sub) => roleDefinitionId(sub, grant.role)),
      scope: grant.scope,
      condition: grant.condition,
      conditionVersion: grant.condition ? "2.0" : undefined,
      description: grant.description,
    },
    { parent, dependsOn },
  );
}

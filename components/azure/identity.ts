/**
 * Workload identities: one user-assigned managed identity per {@link WorkloadIdentitySpec}, a
 * federated credential per Kubernetes service account (issuer = the cluster's OIDC issuer), and
 * role assignments on exactly what the spec grants: a blob container with an ABAC condition on
 * the path prefix, the registry, the data-event queue, external data lakes read-only. Nothing
 * is granted at subscription or resource-group scope, and no Owner/Contributor role is used.
 */
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { BUCKET_PURPOSES, type BucketPurpose, type WorkloadIdentitySpec } from "../contracts";
import { assignRole } from "./role-assignment";
import { blobPrefixCondition, containerScope } from "./roles";
import { ArgsCheck } from "./validate";

/** Audience of AKS workload-identity tokens exchanged with Entra ID. */
export const FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

/** The subject of a Kubernetes service account token. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** An external ADLS container the pipelines may read. */
export interface DataLakeGrant {
  readonly name: string;
  /** Resource id of the lake's storage account; without it no grant can be made (the lake's owner grants it). */
  readonly storageAccountId: string;
  readonly container: string;
  /** Path prefix inside the container ("" for all). */
  readonly prefix: string;
}

/** One created identity. */
export interface ManagedWorkloadIdentity {
  readonly id: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
}

/** Arguments of {@link WorkloadIdentities}. */
export interface WorkloadIdentitiesArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly subscriptionId: pulumi.Input<string>;
  /** OIDC issuer URL of the cluster. */
  readonly oidcIssuerUrl: pulumi.Input<string>;
  readonly specs: readonly WorkloadIdentitySpec[];
  /** Container resource ids by purpose. */
  readonly containerIds: Readonly<Record<BucketPurpose, pulumi.Input<string>>>;
  readonly registryId: pulumi.Input<string>;
  /** Resource id of the data-event queue. */
  readonly dataEventQueueId: pulumi.Input<string>;
  /** External data lakes granted read-only to specs with `readDataLakes`. @default [] */
  readonly dataLakes?: readonly DataLakeGrant[];
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** Managed identities, federated credentials and scoped role assignments. */
export class WorkloadIdentities extends pulumi.ComponentResource {
  /** Identities by spec key. */
  public readonly identities: Record<string, ManagedWorkloadIdentity>;

  constructor(name: string, args: WorkloadIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:azure:WorkloadIdentities", name).location(args.location);
    const keys = new Set<string>();
    args.specs.forEach((spec, i) => {
      check.require(
        /^[a-z][a-z0-9-]{0,39}$/.test(spec.key),
        `specs[${i}].key`,
        spec.key,
        "must be a lowercase DNS label of at most 40 characters",
      );
      check.require(!keys.has(spec.key), `specs[${i}].key`, spec.key, "duplicates another identity key");
      keys.add(spec.key);
      check.require(
        /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(spec.namespace),
        `specs[${i}].namespace`,
        spec.namespace,
        "must be a Kubernetes namespace name",
      );
      check.require(
        spec.serviceAccounts.length > 0,
        `specs[${i}].serviceAccounts`,
        spec.serviceAccounts,
        "list at least one service account",
      );
      spec.buckets.forEach((b, j) => {
        check.require(
          (BUCKET_PURPOSES as readonly string[]).includes(b.purpose),
          `specs[${i}].buckets[${j}].purpose`,
          b.purpose,
          `must be one of ${BUCKET_PURPOSES.join(", ")}`,
        );
        try {
          blobPrefixCondition(b.prefix, b.mode);
        } catch (e) {
          check.require(
            false,
            `specs[${i}].buckets[${j}].prefix`,
            b.prefix,
            (e as Error).message.replace(/^blobPrefixCondition\(\): /, ""),
          );
        }
      });
    });
    (args.dataLakes ?? []).forEach((lake, i) => {
      check.require(
        /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]{3,24}$/i.test(
          lake.storageAccountId,
        ),
        `dataLakes[${i}].storageAccountId`,
        lake.storageAccountId,
        "must be a storage account resource id: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>",
      );
      try {
        blobPrefixCondition(lake.prefix, "read");
      } catch (e) {
        check.require(false, `dataLakes[${i}].prefix`, lake.prefix, (e as Error).message.replace(/^blobPrefixCondition\(\): /, ""));
      }
    });
    check.done();
    super("mlops-platform:azure:WorkloadIdentities", name, {}, opts);
    const tags = args.tags ?? {};

    const identities: Record<string, ManagedWorkloadIdentity> = {};
    for (const spec of args.specs) {
      const base = `${name}-${spec.key}`;
      const identity = new managedidentity.UserAssignedIdentity(
        base,
        { resourceGroupName: args.resourceGroupName, location: args.location, tags },
        { parent: this },
      );
      identities[spec.key] = { id: identity.id, clientId: identity.clientId, principalId: identity.principalId };

      // Entra refuses concurrent writes of federated credentials on one identity: one at a time.
      let previous: pulumi.Resource | undefined;
      for (const sa of spec.serviceAccounts) {
        previous = new managedidentity.FederatedIdentityCredential(
          `${base}-${sa}`,
          {
            resourceGroupName: args.resourceGroupName,
            resourceName: identity.name,
            federatedIdentityCredentialResourceName: `${spec.namespace}-${sa}`,
            issuer: args.oidcIssuerUrl,
            subject: serviceAccountSubject(spec.namespace, sa),
            audiences: [FEDERATION_AUDIENCE],
          },
          { parent: this, dependsOn: previous ? [previous] : [] },
        );
      }

      const grant = (role: string, g: Omit<Parameters<typeof assignRole>[1], "subscriptionId" | "principalId">) =>
        assignRole(`${base}-${role}`, { subscriptionId: args.subscriptionId, principalId: identity.principalId, ...g }, this);
      const seen = new Set<string>();
      for (const b of spec.buckets) {
        // The first grant of a purpose and mode keeps its name; a further prefix of the same kind (a
        // model's data prefix read by the platform pipelines) is named after its prefix, so that
        // names never collide (one Pulumi URN per assignment).
        const kind = `${b.purpose}-${b.mode}`;
        const role = seen.has(kind)
          ? `${kind}-${b.prefix
              .replace(/[^a-z0-9]+/gi, "-")
              .replace(/^-|-$/g, "")
              .toLowerCase()}`
          : kind;
        seen.add(kind);
        grant(role, {
          role: b.mode === "read" ? "storageBlobDataReader" : "storageBlobDataContributor",
          scope: args.containerIds[b.purpose],
          condition: blobPrefixCondition(b.prefix, b.mode),
          description: `${spec.key}: ${b.mode} ${b.purpose}/${b.prefix}`,
        });
      }
      // A spec scoped to repositories gets no registry-wide role: its push right is a scope-map
      // token on exactly those repositories (RepositoryPushToken, created by the stack).
      if (spec.registry !== "none" && spec.registryRepositories === undefined) {
        grant(`registry-${spec.registry}`, {
          role: spec.registry === "pull" ? "acrPull" : "acrPush",
          scope: args.registryId,
          description: `${spec.key}: ${spec.registry} images`,
        });
      }
      if (spec.consumeDataEvents) {
        grant("data-events", {
          role: "storageQueueDataMessageProcessor",
          scope: args.dataEventQueueId,
          description: `${spec.key}: consume data-arrival events`,
        });
      }
      if (spec.readDataLakes) {
        for (const lake of args.dataLakes ?? []) {
          grant(`lake-${lake.name}`, {
            role: "storageBlobDataReader",
            scope: containerScope(lake.storageAccountId, lake.container),
            condition: blobPrefixCondition(lake.prefix, "read"),
            description: `${spec.key}: read-only data lake ${lake.name}`,
          });
        }
      }
    }
    this.identities = identities;
    this.registerOutputs({ identities: this.identities });
  }
}

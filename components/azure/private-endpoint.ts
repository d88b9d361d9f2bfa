/**
 * A private endpoint for one sub-resource (blob, vault, registry, …) of a service, registered in
 * the matching private DNS zone so that the service's public name resolves to the private IP
 * inside the VNet.
 */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { ArgsCheck } from "./validate";

/** Arguments of {@link PrivateEndpoint}. */
export interface PrivateEndpointArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Subnet of the private endpoints. */
  readonly subnetId: pulumi.Input<string>;
  /** Resource id of the service (storage account, vault, registry, cache). */
  readonly targetResourceId: pulumi.Input<string>;
  /** Private-link sub-resource (`blob`, `dfs`, `queue`, `vault`, `registry`, `redisCache`). */
  readonly groupId: string;
  /** Private DNS zone id the endpoint registers in. */
  readonly privateDnsZoneId: pulumi.Input<string>;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
  /**
   * Request message of a connection the target's owner approves (a resource the platform does not
   * own, e.g. an existing data lake in another subscription): the endpoint is created pending and
   * carries traffic once approved.
   * @default none - the connection is approved automatically (the platform's own resources)
   */
  readonly manualApprovalMessage?: string;
}

/** A private endpoint plus its DNS zone group. */
export class PrivateEndpoint extends pulumi.ComponentResource {
  /** Private endpoint id. */
  public readonly id: pulumi.Output<string>;

  constructor(name: string, args: PrivateEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    new ArgsCheck("mlops-platform:azure:PrivateEndpoint", name)
      .location(args.location)
      .require(
        ["blob", "dfs", "queue", "vault", "registry", "redisCache"].includes(args.groupId),
        "groupId",
        args.groupId,
        "must be one of blob, dfs, queue, vault, registry, redisCache",
      )
      .done();
    super("mlops-platform:azure:PrivateEndpoint", name, {}, opts);

    const endpoint = new network.PrivateEndpoint(
      `${name}-pe`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        subnet: { id: args.subnetId },
        ...(args.manualApprovalMessage === undefined
          ? {
              privateLinkServiceConnections: [
                { name: `${name}-${args.groupId}`, privateLinkServiceId: args.targetResourceId, groupIds: [args.groupId] },
              ],
            }
          : {
              manualPrivateLinkServiceConnections: [
                {
                  name: `${name}-${args.groupId}`,
                  privateLinkServiceId: args.targetResourceId,
                  groupIds: [args.groupId],
                  requestMessage: args.manualApprovalMessage,
                },
              ],
            }),
        tags: args.tags ?? {},
      },
      { parent: this },
    );
    new network.PrivateDnsZoneGroup(
      `${name}-dns`,
      {
        resourceGroupName: args.resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [{ name: args.groupId, privateDnsZoneId: args.privateDnsZoneId }],
      },
      { parent: this },
    );
    this.id = endpoint.id;
    this.registerOutputs({ id: this.id });
  }
}

/**
 * Data-arrival events: an Event Grid system topic on the storage account delivers
 * `Microsoft.Storage.BlobCreated` events of the batch markers ({@link DATA_BATCH_MARKER}: one
 * event per batch, never one per file) in the `datasets` container to a storage queue that
 * Argo Events consumes with its workload identity. Delivery uses the topic's system-assigned
 * identity (the account has no shared keys and a deny-by-default firewall) holding only "Queue
 * Data Message Sender" on the queue.
 */
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { DATA_BATCH_MARKER } from "../contracts";
import { diagnosticSetting } from "./monitoring-settings";
import { assignRole } from "./role-assignment";
import { queueScope } from "./roles";
import { ArgsCheck } from "./validate";

/** Arguments of {@link DataEvents}. */
export interface DataEventsArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly subscriptionId: pulumi.Input<string>;
  readonly storageAccountId: pulumi.Input<string>;
  readonly storageAccountName: pulumi.Input<string>;
  /** Container whose new blobs raise events. @default "datasets" */
  readonly container?: string;
  /** Queue name (3-63 lowercase letters, digits, hyphens). @default "data-events" */
  readonly queueName?: string;
  /** Hours an undelivered message stays in the queue. @default 168 */
  readonly messageTtlHours?: number;
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** Storage queue, system topic and filtered event subscription. */
export class DataEvents extends pulumi.ComponentResource {
  public readonly queueName: pulumi.Output<string>;
  /** Resource id of the queue (role assignment scope for consumers). */
  public readonly queueId: pulumi.Output<string>;
  public readonly storageAccountName: pulumi.Output<string>;

  constructor(name: string, args: DataEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    const container = args.container ?? "datasets";
    const queueName = args.queueName ?? "data-events";
    const ttl = args.messageTtlHours ?? 168;
    new ArgsCheck("mlops-platform:azure:DataEvents", name)
      .location(args.location)
      .require(
        /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(queueName),
        "queueName",
        args.queueName,
        "must be 3-63 lowercase letters, digits and single hyphens",
      )
      .require(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container), "container", args.container, "must be a blob container name")
      .require(Number.isInteger(ttl) && ttl >= 1 && ttl <= 168, "messageTtlHours", args.messageTtlHours, "must be 1-168 hours")
      .done();
    super("mlops-platform:azure:DataEvents", name, {}, opts);
    const tags = args.tags ?? {};

    const queue = new storage.Queue(
      `${name}-queue`,
      { resourceGroupName: args.resourceGroupName, accountName: args.storageAccountName, queueName },
      { parent: this },
    );
    this.queueName = queue.name;
    this.queueId = pulumi.all([args.storageAccountId, queue.name]).apply(([id, q]) => queueScope(id, q));
    this.storageAccountName = pulumi.output(args.storageAccountName);

    // A storage account behind a firewall accepts Event Grid deliveries only from the topic's
    // system-assigned identity through the trusted-services exception (a user-assigned identity
    // is refused: learn.microsoft.com/azure/event-grid/handler-storage-queues).
    const topic = new eventgrid.SystemTopic(
      `${name}-topic`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        source: args.storageAccountId,
        topicType: "Microsoft.Storage.StorageAccounts",
        identity: { type: "SystemAssigned" },
        tags,
      },
      { parent: this },
    );
    const sender = assignRole(
      `${name}-delivery-grant`,
      {
        subscriptionId: args.subscriptionId,
        // Known once the topic exists (metricResourceId is computed at creation); never empty.
        principalId: pulumi.all([topic.identity, topic.metricResourceId]).apply(([identity]) => {
          if (!identity?.principalId) throw new Error(`Event Grid topic ${name}-topic reports no system-assigned identity`);
          return identity.principalId;
        }),
        role: "storageQueueDataMessageSender",
        scope: this.queueId,
        description: "Event Grid delivers data-arrival events to this queue only.",
      },
      this,
    );
    new eventgrid.SystemTopicEventSubscription(
      `${name}-new-blobs`,
      {
        resourceGroupName: args.resourceGroupName,
        systemTopicName: topic.name,
        eventSubscriptionName: `${container}-new-blobs`,
        eventDeliverySchema: "EventGridSchema",
        filter: {
          includedEventTypes: ["Microsoft.Storage.BlobCreated"],
          subjectBeginsWith: `/blobServices/default/containers/${container}/blobs/`,
          subjectEndsWith: `/${DATA_BATCH_MARKER}`,
          isSubjectCaseSensitive: true,
        },
        deliveryWithResourceIdentity: {
          identity: { type: "SystemAssigned" },
          destination: {
            endpointType: "StorageQueue",
            resourceId: args.storageAccountId,
            queueName: queue.name,
            queueMessageTimeToLiveInSeconds: ttl * 3600,
          },
        },
        retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
      },
      { parent: this, dependsOn: [sender] },
    );
    diagnosticSetting(`${name}-topic-diagnostics`, { resourceUri: topic.id, workspaceId: args.logAnalyticsWorkspaceId }, this);

    this.registerOutputs({ queueName: this.queueName, queueId: this.queueId, storageAccountName: this.storageAccountName });
  }
}

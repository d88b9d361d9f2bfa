import { resourceRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

/** Event Grid subscription types (per scope, system topic, domain, topic and partner topic). */
export const EVENT_SUBSCRIPTION_TYPES: readonly string[] = [
  "azure-native:eventgrid:EventSubscription",
  "azure-native:eventgrid:SystemTopicEventSubscription",
  "azure-native:eventgrid:TopicEventSubscription",
  "azure-native:eventgrid:DomainEventSubscription",
  "azure-native:eventgrid:DomainTopicEventSubscription",
  "azure-native:eventgrid:PartnerTopicEventSubscription",
  "azure-native:eventgrid:NamespaceTopicEventSubscription",
];

/** Destination types that name a resource (whose location the location rules judge); others are URLs or partners. */
const RESOURCE_ENDPOINTS = new Set([
  "storagequeue",
  "servicebusqueue",
  "servicebustopic",
  "eventhub",
  "azurefunction",
  "hybridconnection",
  "monitoralert",
  "namespacetopic",
]);

/**
 * In production, Event Grid subscriptions deliver only to Azure resources (queues, event hubs,
 * functions), never to a webhook or partner destination whose location cannot be verified. A
 * reviewed delivery is exempted by resource name, with a reason.
 */
export const azureEventgridSubscriptionEnforceLocalDestination = resourceRule({
  name: "azure-eventgrid-subscription-enforce-local-destination",
  types: EVENT_SUBSCRIPTION_TYPES,
  scope: "production",
  check: ({ props, report }) => {
    const destinations: [string, () => unknown][] = [
      ["destination", () => props.destination],
      ["deliveryWithResourceIdentity.destination", () => obj(props.deliveryWithResourceIdentity).destination],
      ["deliveryConfiguration.push.destination", () => obj(obj(props.deliveryConfiguration).push).destination],
    ];
    for (const [path, get] of destinations) {
      const r = read(get);
      if (!r.known) {
        report(`${path} is unknown during preview: the subscription may deliver outside Azure, so it is not assumed`);
        continue;
      }
      for (const d of list(r.value)) {
        const type = read(() => str(obj(d).endpointType));
        if (!type.known) report(`${path}.endpointType is unknown during preview: not assumed to be an Azure resource`);
        else if (type.value && !RESOURCE_ENDPOINTS.has(type.value.toLowerCase())) {
          const url = read(() => str(obj(d).endpointUrl));
          report(
            `${path} delivers events to a ${type.value} endpoint${url.known && url.value ? ` "${url.value}"` : ""} whose location cannot be verified (exempt it by name with a reason if reviewed)`,
          );
        }
      }
    }
  },
});

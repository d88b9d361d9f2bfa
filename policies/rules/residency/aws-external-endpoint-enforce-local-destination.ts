import { resourceRule } from "../../lib/rule";
import { obj, read, str } from "../../lib/values";

/** SNS protocols that deliver the message to a URL, address or phone outside AWS. */
const SNS_EXTERNAL_PROTOCOLS = new Set(["http", "https", "email", "email-json", "sms"]);

/**
 * In production, data is not delivered to endpoints outside AWS whose location cannot be verified:
 * Firehose HTTP endpoint destinations (Datadog, Splunk Cloud, any SaaS URL) and SNS subscriptions
 * delivering over HTTP(S), e-mail or SMS. A reviewed delivery is exempted by resource name, with a reason.
 */
export const awsExternalEndpointEnforceLocalDestination = resourceRule({
  name: "aws-external-endpoint-enforce-local-destination",
  types: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "aws:sns/topicSubscription:TopicSubscription"],
  scope: "production",
  check: ({ args, props, report }) => {
    if (args.type === "aws:sns/topicSubscription:TopicSubscription") {
      const protocol = read(() => str(props.protocol));
      if (!protocol.known) report("protocol is unknown during preview: the subscription may deliver outside AWS, so it is not assumed");
      else if (protocol.value && SNS_EXTERNAL_PROTOCOLS.has(protocol.value.toLowerCase())) {
        const endpoint = read(() => str(props.endpoint));
        report(
          `the subscription delivers messages over ${protocol.value} to ${endpoint.known ? `"${endpoint.value ?? "(unset)"}"` : "an endpoint unknown during preview"}, outside AWS: its location cannot be verified (exempt it by name with a reason if reviewed)`,
        );
      }
      return;
    }
    const destination = read(() => str(props.destination));
    const http = read(() => props.httpEndpointConfiguration);
    if (!destination.known) report("destination is unknown during preview: the stream may deliver outside AWS, so it is not assumed");
    else if (destination.value === "http_endpoint" || (http.known && http.value !== undefined && http.value !== null)) {
      const url = http.known ? read(() => str(obj(http.value).url)) : { known: false as const };
      report(
        `the stream delivers to the HTTP endpoint ${url.known ? `"${url.value ?? "(unset)"}"` : "(unknown during preview)"}, outside AWS: its location cannot be verified (exempt it by name with a reason if reviewed)`,
      );
    }
  },
});

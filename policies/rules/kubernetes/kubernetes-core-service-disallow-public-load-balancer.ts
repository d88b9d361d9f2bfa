import { resourceRule } from "../../lib/rule";
import { obj, str } from "../../lib/values";

/** Annotations that make a Service of type LoadBalancer internal, by cloud. */
export const INTERNAL_LB_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
  "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
  "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
};

/** LoadBalancer Services are internal unless explicitly allowed. */
export const kubernetesCoreServiceDisallowPublicLoadBalancer = resourceRule({
  name: "kubernetes-core-service-disallow-public-load-balancer",
  types: ["kubernetes:core/v1:Service"],
  check: ({ args, props, settings, report }) => {
    if (str(obj(props.spec).type) !== "LoadBalancer") return;
    if (settings.publicLoadBalancers.includes(args.name)) return;
    const annotations = obj(obj(props.metadata).annotations);
    const internal = Object.entries(INTERNAL_LB_ANNOTATIONS).some(([k, v]) => str(annotations[k]) === v);
    if (!internal)
      report(
        "the LoadBalancer Service is internet-facing; add the cloud's internal load balancer annotation or name it in publicLoadBalancers",
      );
  },
});

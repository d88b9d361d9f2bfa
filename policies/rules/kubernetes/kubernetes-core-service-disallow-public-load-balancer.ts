import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** Annotations that make a Service of type LoadBalancer internal, by cloud. */
export const INTERNAL_LB_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
  "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
  "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
};

/**
 * Annotations that make a load balancer internet-facing. When a Service carries both an internal
 * and an internet-facing annotation, the controllers disagree on which wins (the AWS Load
 * Balancer Controller reads the scheme first), so internet-facing wins here.
 */
export const PUBLIC_LB_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
  "service.beta.kubernetes.io/aws-load-balancer-internal": "false",
  "service.beta.kubernetes.io/azure-load-balancer-internal": "false",
};

const SERVICE = /^kubernetes:core\/[^:]+:Service$/;
const INGRESS = /^kubernetes:(networking\.k8s\.io|extensions)\/[^:]+:Ingress$/;
const ALB_SCHEME = "alb.ingress.kubernetes.io/scheme";
const AGIC_PRIVATE = "appgw.ingress.kubernetes.io/use-private-ip";
const AGIC_CLASSES = ["azure-application-gateway", "azure/application-gateway"];

const lower = (v: unknown) => str(v)?.trim().toLowerCase();

/**
 * Nothing in the cluster is reachable from outside unless named in publicLoadBalancers:
 * LoadBalancer Services are internal (an internet-facing annotation wins over an internal one),
 * no NodePort Services (a port on every node), no externalIPs, and no Ingress that asks its
 * controller for an internet-facing load balancer (ALB scheme, Application Gateway public IP).
 */
export const kubernetesCoreServiceDisallowPublicLoadBalancer = resourceRule({
  name: "kubernetes-core-service-disallow-public-load-balancer",
  types: (t) => SERVICE.test(t) || INGRESS.test(t),
  check: ({ args, props, settings, report }) => {
    if (settings.publicLoadBalancers.includes(args.name)) return;
    const annotations = obj(obj(props.metadata).annotations);
    const spec = obj(props.spec);
    if (INGRESS.test(args.type)) {
      if (lower(annotations[ALB_SCHEME]) === "internet-facing")
        report(`the Ingress asks for an internet-facing ALB (${ALB_SCHEME}); use internal or name it in publicLoadBalancers`);
      const cls = lower(spec.ingressClassName) ?? lower(annotations["kubernetes.io/ingress.class"]);
      const privateIp = lower(annotations[AGIC_PRIVATE]);
      if (privateIp === "false" || (cls !== undefined && AGIC_CLASSES.includes(cls) && privateIp !== "true"))
        report(
          `the Ingress is served on the Application Gateway's public IP; set ${AGIC_PRIVATE}: "true" or name it in publicLoadBalancers`,
        );
      return;
    }
    const type = str(spec.type) ?? "ClusterIP";
    if (type === "NodePort") report("the NodePort Service opens its port on every node; use ClusterIP behind the internal ingress");
    const externalIPs = list(spec.externalIPs).filter((ip) => str(ip));
    if (externalIPs.length) report(`spec.externalIPs ${externalIPs.join(", ")} routes outside addresses into the cluster`);
    if (type !== "LoadBalancer") return;
    const is = (table: Readonly<Record<string, string>>) =>
      Object.entries(table)
        .filter(([k, v]) => lower(annotations[k]) === v)
        .map(([k]) => k);
    const publicBy = is(PUBLIC_LB_ANNOTATIONS);
    if (publicBy.length)
      report(`the LoadBalancer Service is internet-facing (${publicBy.join(", ")}); remove it or name the Service in publicLoadBalancers`);
    else if (is(INTERNAL_LB_ANNOTATIONS).length === 0)
      report(
        "the LoadBalancer Service is internet-facing; add the cloud's internal load balancer annotation or name it in publicLoadBalancers",
      );
  },
});

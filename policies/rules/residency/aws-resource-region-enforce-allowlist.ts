import { placesIn } from "../../lib/location";
import { resourceRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

/** Services that cache or serve content from edge locations worldwide, whatever the provider's region. */
export const AWS_GLOBAL_EDGE_TYPES: readonly string[] = [
  "aws:cloudfront/distribution:Distribution",
  "aws:cloudfront/multitenantDistribution:MultitenantDistribution",
  "aws:globalaccelerator/accelerator:Accelerator",
  "aws:lightsail/distribution:Distribution",
];

/** Resources that are multi-region by nature: they exist to copy data into other regions. */
export const AWS_MULTI_REGION_TYPES: readonly string[] = [
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
  "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy",
  "aws:s3control/multiRegionAccessPointRoutes:MultiRegionAccessPointRoutes",
  "aws:memorydb/multiRegionCluster:MultiRegionCluster",
  "aws:dsql/clusterPeering:ClusterPeering",
];

/**
 * Every AWS resource uses an explicit provider in an allowed region, and every region it names
 * anywhere (its own `region`, replicas, copy actions, peerings, replication destinations, log
 * destinations, ARNs and endpoints in any field) is allowed. Unknown regions are violations.
 */
export const awsResourceRegionEnforceAllowlist = resourceRule({
  name: "aws-resource-region-enforce-allowlist",
  types: (t) => t.startsWith("aws:"),
  check: ({ args, props, settings, report }) => {
    const allowed = settings.allowedAwsRegions;
    if (AWS_GLOBAL_EDGE_TYPES.includes(args.type))
      report(`${args.type} caches and serves data from edge locations outside ${allowed.join(", ")}; it cannot be pinned to the UAE`);
    if (AWS_MULTI_REGION_TYPES.includes(args.type))
      report(
        `${args.type} is multi-region by nature (it copies or routes data across regions); it cannot be kept in ${allowed.join(", ")}`,
      );
    if (!args.provider) {
      report(
        "the resource has no explicit provider: the default provider's region comes from the environment; pass a region-pinned provider",
      );
    } else if (args.provider.type === "pulumi:providers:aws") {
      const pr = read(() => str(args.provider?.props.region));
      if (!pr.known) report("the provider's region is unknown during preview: residency cannot be verified, so it is not assumed");
      else if (!pr.value || !allowed.includes(pr.value))
        report(`the resource's provider is in region "${pr.value ?? "(unset)"}", outside ${allowed.join(", ")}`);
    }
    const { places, unknown } = placesIn(props);
    for (const path of unknown) report(`${path} is unknown during preview: residency cannot be verified, so it is not assumed`);
    const seen = new Set<string>();
    for (const p of places) {
      if (allowed.includes(p.value)) continue;
      const key = `${p.path}=${p.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report(`${p.path || "the resource"} names region "${p.value}" (${p.source}), outside ${allowed.join(", ")}`);
    }
  },
});

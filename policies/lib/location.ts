/**
 * Region and location extraction from any field of a resource: its own `region`/`location`, and
 * the places nested anywhere below (replicas, copy actions, peerings, replication rules, log
 * destinations, failover locations), read from
 * - fields whose name says region or location (`region`, `peerRegion`, `destinationRegion`,
 *   `replicaRegions`, `regionName`, `locations[].locationName`, `failoverLocations`…);
 * - values that are an AWS region or availability zone wherever they sit (`eu-west-1`, `us-east-1a`);
 * - ARNs (`arn:aws:logs:eu-west-1:…`) and AWS endpoints (`sqs.eu-west-1.amazonaws.com`) anywhere.
 * Tags are skipped (free text). A value that is unknown during a preview under a region/location
 * field is reported as unknown: residency is never assumed.
 */
import { read } from "./values";

/** Where a place was found. */
export interface Place {
  /** Dotted path of the field. */
  readonly path: string;
  /** The region/location as written (normalised for Azure: `UAE North` → `uaenorth`). */
  readonly value: string;
  /** How it was read. */
  readonly source: "field" | "value" | "arn" | "endpoint";
}

/** An AWS region name (`me-central-1`, `us-gov-west-1`, `cn-north-1`). */
export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$/;
const AWS_AZ = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2})[a-z]$/;
const ARN_IN_TEXT = /arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):/g;
const ENDPOINT_IN_TEXT = /\.([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2})\.(?:amazonaws\.com|api\.aws)/g;
const SKIP_KEYS = new Set(["tags", "tagsAll", "defaultTags", "labels", "annotations", "description", "displayName"]);

/** Normalises an Azure location (`UAE North` → `uaenorth`). */
export function normaliseLocation(location: string): string {
  return location.toLowerCase().replace(/[\s_-]+/g, "");
}

/**
 * True when a field name says it holds a region (AWS) or a region or location (Azure, where both
 * words are used). Flags such as `isMultiRegionTrail` and `skipRegionValidation` are not places.
 */
export function isPlaceKey(key: string, azure = false): boolean {
  const pattern = azure ? /(region|location)(s|name|names)?$/i : /region(s|name|names)?$/i;
  return pattern.test(key) && !/^(is|skip|include|enable|allow)/i.test(key);
}

/** The region of an ARN (`arn:aws:rds:me-central-1:…`), or undefined for global ARNs. */
export function arnRegion(arn: string): string | undefined {
  const parts = arn.trim().split(":");
  return parts[0]?.toLowerCase() === "arn" && parts[3] ? parts[3] : undefined;
}

/** The AWS regions named inside a free-form string (ARNs, endpoints). */
export function regionsInText(text: string): { value: string; source: "arn" | "endpoint" }[] {
  const out: { value: string; source: "arn" | "endpoint" }[] = [];
  for (const m of text.matchAll(ARN_IN_TEXT)) if (m[1]) out.push({ value: m[1], source: "arn" });
  for (const m of text.matchAll(ENDPOINT_IN_TEXT)) if (m[1]) out.push({ value: m[1], source: "endpoint" });
  return out;
}

/** The places found in `value` (a resource's props), and the place fields that are unknown. */
export function placesIn(value: unknown, options: { azure?: boolean } = {}): { places: Place[]; unknown: string[] } {
  const places: Place[] = [];
  const unknown: string[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown, path: string, placeKey: boolean, depth: number) => {
    if (depth > 40) return;
    if (typeof v === "string") {
      const t = v.trim();
      if (placeKey && t !== "") {
        places.push({ path, value: options.azure ? normaliseLocation(t) : t, source: "field" });
        return;
      }
      if (AWS_REGION.test(t)) places.push({ path, value: t, source: "value" });
      else {
        const az = AWS_AZ.exec(t);
        if (az?.[1]) places.push({ path, value: az[1], source: "value" });
        else if (t.includes("arn:") || t.includes("amazonaws.com") || t.includes(".api.aws"))
          for (const r of regionsInText(t)) places.push({ path, value: r.value, source: r.source });
      }
      return;
    }
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    const entries: [string, boolean][] = Array.isArray(v)
      ? v.map((_, i) => [String(i), placeKey] as [string, boolean])
      : Object.keys(v).map((k) => [k, isPlaceKey(k, options.azure)] as [string, boolean]);
    for (const [k, isPlace] of entries) {
      if (!Array.isArray(v) && SKIP_KEYS.has(k)) continue;
      const child = read(() => (v as Record<string, unknown>)[k]);
      const childPath = Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      if (!child.known) {
        if (isPlace) unknown.push(childPath);
        continue;
      }
      visit(child.value, childPath, isPlace, depth + 1);
    }
  };
  visit(value, "", false, 0);
  return { places, unknown };
}

/**
 * Data residency of a pipeline input: the URI must name an object in one of the locations the
 * platform allows (its own datasets bucket/container prefixes and the configured data lakes, all
 * in the UAE region by construction of the stack configuration). Pure functions.
 */

/** A parsed object-store URI, with what an Argo artifact needs to fetch it through workload identity. */
export type DataLocation =
  | { readonly scheme: "s3"; readonly bucket: string; readonly key: string; readonly uri: string }
  | { readonly scheme: "abfss"; readonly account: string; readonly container: string; readonly key: string; readonly uri: string };

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const AZ_CONTAINER = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
const AZ_ACCOUNT = /^[a-z0-9]{3,24}$/;

/** Parses `s3://bucket/key` or `abfss://container@account.dfs.core.windows.net/path`; returns a problem string when invalid. */
export function parseDataUri(uri: string): DataLocation | string {
  if (/[\s?#\\]/.test(uri)) return `"${uri}" contains whitespace, "?", "#" or "\\": give a plain object URI`;
  const m = /^([a-z0-9]+):\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!m)
    return `"${uri}" is not an object-store URI: use s3://<bucket>/<key> or abfss://<container>@<account>.dfs.core.windows.net/<path>`;
  const [, scheme, authority = "", rawKey = ""] = m;
  const segments = rawKey.split("/");
  if (segments.some((s) => s === "." || s === "..")) return `"${uri}" contains "." or ".." path segments: give the canonical path`;
  const key = rawKey.replace(/\/+$/, "");
  if (key === "" || segments.slice(0, -1).some((s) => s === ""))
    return `"${uri}" has an empty object key or an empty path segment: name the object or prefix to read`;
  if (scheme === "s3") {
    if (!S3_BUCKET.test(authority) || authority.includes("..")) return `"${uri}": "${authority}" is not a valid S3 bucket name`;
    return { scheme: "s3", bucket: authority, key, uri: `s3://${authority}/${key}` };
  }
  if (scheme === "abfss") {
    const a = /^([^@]+)@([^.]+)\.dfs\.core\.windows\.net$/.exec(authority);
    if (!a) return `"${uri}": the authority must be <container>@<account>.dfs.core.windows.net`;
    const [, container = "", account = ""] = a;
    if (!AZ_CONTAINER.test(container)) return `"${uri}": "${container}" is not a valid blob container name`;
    if (!AZ_ACCOUNT.test(account)) return `"${uri}": "${account}" is not a valid storage account name`;
    return { scheme: "abfss", account, container, key, uri: `abfss://${container}@${account}.dfs.core.windows.net/${key}` };
  }
  return `"${uri}" uses scheme "${scheme}": only s3:// (AWS) and abfss:// (Azure) locations of the platform are readable`;
}

/** True when `uri` lies under `prefix` on a path boundary (`s3://data/a` is under `s3://data/`, `s3://data-evil` is not). */
export function isUnder(uri: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, "");
  return uri === p || uri.startsWith(`${p}/`);
}

/** The verdict of a residency check. */
export interface ResidencyVerdict {
  readonly allowed: boolean;
  readonly location?: DataLocation;
  readonly reason: string;
}

/**
 * Checks `uri` against the allowed prefixes of a cloud. A malformed prefix never matches anything.
 */
export function checkResidency(uri: string, cloud: "aws" | "azure", allowedPrefixes: readonly string[]): ResidencyVerdict {
  const parsed = parseDataUri(uri);
  if (typeof parsed === "string") return { allowed: false, reason: parsed };
  const expected = cloud === "aws" ? "s3" : "abfss";
  if (parsed.scheme !== expected) {
    return {
      allowed: false,
      reason: `"${uri}" is a ${parsed.scheme}:// location but this platform runs on ${cloud}: use a ${expected}:// location`,
    };
  }
  for (const prefix of allowedPrefixes) {
    if (!/^(s3|abfss):\/\/[^/\s?#]+(\/[^\s?#]*)?$/.test(prefix)) continue;
    if (isUnder(parsed.uri, prefix)) return { allowed: true, location: parsed, reason: `under allowed location ${prefix}` };
  }
  return {
    allowed: false,
    reason: `"${uri}" is outside the platform's data locations (${allowedPrefixes.join(", ")}): copy the data into the datasets bucket/container or ask the platform team to add the data lake`,
  };
}

/** The fields an Argo `s3` or `azure` input artifact needs to fetch `loc` with workload identity. */
export function artifactFields(loc: DataLocation, region: string): Record<string, string> {
  if (loc.scheme === "s3") {
    return { scheme: "s3", endpoint: `s3.${region}.amazonaws.com`, region, bucket: loc.bucket, key: loc.key, container: "", blob: "" };
  }
  return {
    scheme: "abfss",
    endpoint: `https://${loc.account}.blob.core.windows.net`,
    region,
    bucket: "",
    key: "",
    container: loc.container,
    blob: loc.key,
  };
}

/**
 * Where the Pulumi state lives. The state holds every resource's inputs and outputs (names,
 * endpoints, encrypted secrets), so it is data about the platform that must stay in the UAE:
 * a self-managed backend in an S3 bucket in me-central-1 or an Azure blob container in
 * uaenorth/uaecentral. Pulumi Cloud (the default of `pulumi login`) is refused here.
 */

/** UAE regions and locations a state backend may be in. */
export const UAE_BACKEND_REGIONS = { aws: ["me-central-1"], azure: ["uaenorth", "uaecentral"] } as const;

/** What a backend URL says about where the state lives. */
export type Backend =
  | { readonly kind: "s3"; readonly bucket: string; readonly region: string | undefined }
  | { readonly kind: "azblob"; readonly container: string; readonly account: string | undefined }
  | { readonly kind: "other"; readonly url: string };

/** Parses a `PULUMI_BACKEND_URL`. */
export function parseBackend(url: string): Backend {
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/[^?]*)?(\?(.*))?$/.exec(url);
  if (s3) return { kind: "s3", bucket: s3[1] as string, region: new URLSearchParams(s3[4] ?? "").get("region") ?? undefined };
  const az = /^azblob:\/\/([a-z0-9-]{3,63})(\/[^?]*)?(\?(.*))?$/.exec(url);
  if (az)
    return { kind: "azblob", container: az[1] as string, account: new URLSearchParams(az[4] ?? "").get("storage_account") ?? undefined };
  return { kind: "other", url };
}

/** Problems with a backend URL, checked without credentials (empty when it names a UAE backend). */
export function backendProblems(url: string | undefined): string[] {
  if (!url || url.trim() === "") {
    return [
      "PULUMI_BACKEND_URL is empty: `pulumi login` would use Pulumi Cloud, which stores the state outside the UAE; use s3://<bucket>?region=me-central-1 or azblob://<container>?storage_account=<account>",
    ];
  }
  const b = parseBackend(url.trim());
  if (b.kind === "other") {
    return [
      `PULUMI_BACKEND_URL ${JSON.stringify(url)} is not a self-managed S3 or Azure blob backend: its location cannot be verified to be in the UAE`,
    ];
  }
  if (b.kind === "s3" && !(UAE_BACKEND_REGIONS.aws as readonly string[]).includes(b.region ?? "")) {
    return [
      `PULUMI_BACKEND_URL ${JSON.stringify(url)} must name region=me-central-1 (received region: ${JSON.stringify(b.region ?? null)})`,
    ];
  }
  if (b.kind === "azblob" && !b.account) {
    return [
      `PULUMI_BACKEND_URL ${JSON.stringify(url)} must name storage_account=<account> so its location can be checked (or set AZURE_STORAGE_ACCOUNT)`,
    ];
  }
  return [];
}

/** Runs a cloud CLI and returns its trimmed stdout (injected in tests). */
export type Runner = (command: string, args: readonly string[]) => string;

/** Asks the cloud where the backend's bucket or storage account is; problems when outside the UAE. */
export function verifyBackendLocation(url: string, run: Runner): string[] {
  const b = parseBackend(url.trim());
  if (b.kind === "s3") {
    const location = run("aws", [
      "s3api",
      "get-bucket-location",
      "--bucket",
      b.bucket,
      "--query",
      "LocationConstraint",
      "--output",
      "text",
    ]);
    return (UAE_BACKEND_REGIONS.aws as readonly string[]).includes(location)
      ? []
      : [`state bucket ${b.bucket} is in ${JSON.stringify(location)}, outside ${UAE_BACKEND_REGIONS.aws.join(", ")}`];
  }
  if (b.kind === "azblob" && b.account) {
    const location = run("az", ["storage", "account", "show", "--name", b.account, "--query", "location", "--output", "tsv"]);
    const geo = run("az", ["storage", "account", "show", "--name", b.account, "--query", "sku.name", "--output", "tsv"]);
    const problems = (UAE_BACKEND_REGIONS.azure as readonly string[]).includes(location)
      ? []
      : [`state storage account ${b.account} is in ${JSON.stringify(location)}, outside ${UAE_BACKEND_REGIONS.azure.join(", ")}`];
    // GRS/GZRS copies to the paired region: uaenorth ↔ uaecentral stays in the UAE, anything else does not.
    if (/GRS/.test(geo) && !(UAE_BACKEND_REGIONS.azure as readonly string[]).includes(location))
      problems.push(`state storage account ${b.account} replicates to another country (${geo})`);
    return problems;
  }
  return backendProblems(url);
}

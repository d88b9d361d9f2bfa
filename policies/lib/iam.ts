/**
 * IAM policy documents as AWS evaluates them: statements of a document given as a JSON string or
 * an object (one statement or a list), action and resource matching with AWS's glob semantics
 * (`*` any run of characters, `?` one character; action names case-insensitive, ARNs
 * case-sensitive), `NotAction` / `NotResource`, and the breadth of a grant ("every action",
 * "every resource of a service"). Principals are in ./principals.ts.
 */
import { list, obj, str } from "./values";

/** A statement of an IAM policy document. */
export interface IamStatement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: unknown;
  readonly Sid?: string;
}

/**
 * The statements of a policy document given as a JSON string or an object. `Statement` may be a
 * single object or a list. Returns undefined when the document is a string that is not valid
 * JSON, or is not a document at all (reported by the rule, never assumed harmless).
 */
export function iamStatements(document: unknown): IamStatement[] | undefined {
  let doc: unknown = document;
  if (typeof document === "string") {
    if (document.trim() === "") return [];
    try {
      doc = JSON.parse(document);
    } catch {
      return undefined;
    }
  }
  if (doc === undefined || doc === null) return [];
  if (typeof doc !== "object" || Array.isArray(doc)) return undefined;
  return list(obj(doc).Statement).map((s) => obj(s) as IamStatement);
}

/** True for an Allow statement (`Effect` compared case-sensitively by AWS, but a typo is not a Deny). */
export function isAllow(s: IamStatement): boolean {
  return (str(s.Effect) ?? "").toLowerCase() === "allow";
}

/** The strings of a statement element (`"a"` or `["a","b"]`); non-strings are kept as their text. */
export function strings(value: unknown): string[] {
  return list(value).map((v) => str(v) ?? JSON.stringify(v));
}

const globCache = new Map<string, RegExp>();

/** AWS glob (`*`, `?`) as an anchored regular expression. */
export function globRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "s"}:${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, caseInsensitive ? "is" : "s");
    globCache.set(key, re);
  }
  return re;
}

/** True when `pattern` contains a glob character. */
export function isGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** True when the action pattern matches `action` (`s3:Get*` matches `S3:getobject`). */
export function actionMatches(pattern: string, action: string): boolean {
  return globRegExp(pattern.trim(), true).test(action.trim());
}

/** True when the resource pattern matches the ARN `resource` (case-sensitive, as AWS). */
export function resourceMatches(pattern: string, resource: string): boolean {
  return globRegExp(pattern.trim(), false).test(resource.trim());
}

/**
 * Actions from many services used to decide "every action": a pattern (or set) that matches all
 * of these grants everything (`*`, `*:*`, `*:?*`, `**`…), whatever its spelling.
 */
const PROBE_ACTIONS = [
  "iam:CreateUser",
  "iam:PassRole",
  "s3:GetObject",
  "kms:Decrypt",
  "ec2:RunInstances",
  "sts:AssumeRole",
  "organizations:LeaveOrganization",
  "a:b",
];

/** True when the action patterns together grant every action of every service. */
export function grantsEveryAction(patterns: readonly string[]): boolean {
  return PROBE_ACTIONS.every((a) => patterns.some((p) => actionMatches(p, a)));
}

/**
 * True when an Allow statement grants the action `action` (exact action name). `NotAction`
 * grants every action it does not list.
 */
export function statementGrantsAction(s: IamStatement, action: string): boolean {
  if (!isAllow(s)) return false;
  if (s.NotAction !== undefined) return !strings(s.NotAction).some((p) => actionMatches(p, action));
  return strings(s.Action).some((p) => actionMatches(p, action));
}

/** The service prefix of an action pattern (`s3` of `S3:Get*`, lower-case), or undefined for `*`. */
export function actionService(pattern: string): string | undefined {
  const i = pattern.indexOf(":");
  if (i <= 0) return undefined;
  const service = pattern.slice(0, i).toLowerCase();
  return isGlob(service) ? undefined : service;
}

/** A parsed ARN pattern. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** The parts of an ARN (or ARN pattern), or undefined when it is not `arn:…` with six fields. */
export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.trim().split(":");
  if (parts.length < 6 || parts[0]?.toLowerCase() !== "arn") return undefined;
  const [, partition = "", service = "", region = "", account = ""] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

/** True when a string is made of glob characters (and separators) only: `*`, `?*`, `*:*`. */
export function onlyGlob(value: string): boolean {
  return value.length > 0 && /^[*?/:]+$/.test(value);
}

/**
 * True when a resource pattern covers every resource of a service (or of every service): `*`,
 * `arn:*`, `arn:aws:s3:::*`, `arn:aws:kms:*:*:key/*`, `arn:aws:iam::*:role/*`, `arn:*:*:*:*:*`.
 * A pattern scoped by a name (`arn:aws:s3:::bucket/prefix/*`, `…:autoScalingGroupName/eks-*`) is
 * not. A pattern that is not an ARN but contains a glob is broad (it cannot be scoped).
 */
export function isBroadResource(pattern: string): boolean {
  const p = pattern.trim();
  if (onlyGlob(p)) return true;
  const arn = parseArn(p);
  if (!arn) return isGlob(p);
  if (isGlob(arn.service) || isGlob(arn.partition)) return true;
  // Any account (`*`, `?*`, `1234*`): the grant reaches resources of accounts other than this one.
  if (arn.account !== "" && isGlob(arn.account)) return true;
  if (onlyGlob(arn.resource) || arn.resource === "") return isGlob(p) || arn.resource === "";
  // S3 ARNs carry no resource type: the first segment is the bucket name.
  if (arn.service === "s3") return onlyGlob(arn.resource.split("/")[0] ?? "");
  // `key/*`, `role/*`, `table/*`, `log-group:*`: every resource of that type.
  const withoutType = arn.resource.replace(/^[A-Za-z][A-Za-z0-9-]*[/:]/, "");
  return withoutType !== arn.resource && onlyGlob(withoutType);
}

/**
 * True when an Allow statement's resources are broad ({@link isBroadResource}); `NotResource`
 * grants every resource it does not list, so it is broad too.
 */
export function statementHasBroadResource(s: IamStatement): boolean {
  if (s.NotResource !== undefined) return true;
  return strings(s.Resource).some(isBroadResource);
}

/** True when a statement grants every action on every resource (full administrator). */
export function grantsAdministrator(s: IamStatement): boolean {
  if (!isAllow(s)) return false;
  const everyAction = s.NotAction !== undefined ? !grantsNothingUseful(strings(s.NotAction)) : grantsEveryAction(strings(s.Action));
  if (!everyAction) return false;
  if (s.NotResource !== undefined) return true;
  return strings(s.Resource).some(coversEveryResource);
}

const PROBE_ARNS = ["arn:aws:iam::123456789012:user/x", "arn:aws:s3:::b", "arn:aws:kms:me-central-1:123456789012:key/k"];

/** True when a resource pattern matches resources of every service (`*`, `arn:*`, `arn:aws:*:*:*:*`). */
export function coversEveryResource(pattern: string): boolean {
  return PROBE_ARNS.every((a) => resourceMatches(pattern, a));
}

/** `NotAction` that excludes everything leaves nothing; anything narrower grants (almost) everything. */
function grantsNothingUseful(notActions: readonly string[]): boolean {
  return grantsEveryAction(notActions);
}

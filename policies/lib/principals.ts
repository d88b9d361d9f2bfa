/**
 * Principal analysis of resource-policy and trust-policy statements: who a statement lets in.
 *
 * - anyone: `"*"`, `{"AWS":"*"}`, `{"AWS":["*"]}`, `arn:aws:iam::*:root`, any account glob,
 *   `{"CanonicalUser":"*"}`, `{"Federated":"*"}`, a public identity provider, and `NotPrincipal`
 *   in an Allow (everyone except those listed);
 * - an account: a 12-digit id or an IAM/STS ARN naming it (`…::123456789012:root`, `…:role/x`);
 * - a service: `{"Service":"s3.amazonaws.com"}` (acts for any account unless a condition narrows it);
 * - a federated identity provider (OIDC provider ARN of an account, or a public one).
 *
 * Conditions that narrow a statement to this stack's accounts are understood:
 * `aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceOwner`, `kms:CallerAccount`,
 * `aws:ResourceAccount`, and ARN-valued keys (`aws:SourceArn`, `aws:PrincipalArn`,
 * `kms:EncryptionContext:…:arn`) whose ARNs name one of those accounts, under a positive operator
 * (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`, without `IfExists`: a missing key would
 * pass those).
 */
import { type IamStatement, isGlob, parseArn, strings } from "./iam";
import { obj } from "./values";

/** What a principal is. */
export type PrincipalKind = "anyone" | "account" | "service" | "federated";

/** One principal of a statement. */
export interface Principal {
  readonly kind: PrincipalKind;
  /** The principal as written. */
  readonly value: string;
  /** Account of an `account` principal or of a federated provider's ARN. */
  readonly account?: string;
}

/** Identity providers anyone can get an identity from. */
const PUBLIC_IDPS = ["cognito-identity.amazonaws.com", "accounts.google.com", "www.amazon.com", "graph.facebook.com", "appleid.apple.com"];

/** The account an IAM/STS ARN or account id names; `"*"` when it names any account. */
export function principalAccount(value: string): string | undefined {
  const v = value.trim();
  if (/^\d{12}$/.test(v)) return v;
  const arn = parseArn(v);
  if (!arn) return undefined;
  if (isGlob(arn.account)) return "*";
  return /^\d{12}$/.test(arn.account) ? arn.account : undefined;
}

function awsPrincipal(value: string): Principal {
  const v = value.trim();
  if (v === "" || (isGlob(v) && !parseArn(v))) return { kind: "anyone", value };
  const account = principalAccount(v);
  if (account === "*") return { kind: "anyone", value };
  return { kind: "account", value, account };
}

/** The principals of a statement (an Allow with `NotPrincipal` is anyone). */
export function principalsOf(s: IamStatement): Principal[] {
  if (s.NotPrincipal !== undefined) return [{ kind: "anyone", value: `NotPrincipal ${JSON.stringify(s.NotPrincipal)}` }];
  const p = s.Principal;
  if (p === undefined || p === null) return [];
  if (typeof p === "string") return [awsPrincipal(p)];
  const out: Principal[] = [];
  for (const [type, values] of Object.entries(obj(p))) {
    for (const v of strings(values)) {
      const t = type.toLowerCase();
      if (t === "aws") out.push(awsPrincipal(v));
      else if (t === "service") out.push(v.trim() === "*" ? { kind: "anyone", value: v } : { kind: "service", value: v });
      else if (t === "federated") {
        const account = principalAccount(v);
        if (v.trim() === "*" || isGlob(v) || account === "*" || PUBLIC_IDPS.includes(v.trim().toLowerCase()))
          out.push({ kind: "anyone", value: v });
        else out.push({ kind: "federated", value: v, account });
      } else if (t === "canonicaluser") out.push(v.trim() === "*" ? { kind: "anyone", value: v } : { kind: "account", value: v });
      else out.push({ kind: "anyone", value: `${type}:${v}` });
    }
  }
  return out;
}

const ACCOUNT_KEYS = ["aws:principalaccount", "aws:sourceaccount", "aws:sourceowner", "kms:calleraccount", "aws:resourceaccount"];
const POSITIVE = /^(forallvalues:|foranyvalue:)?(stringequals|stringequalsignorecase|stringlike|arnequals|arnlike)$/i;

/**
 * The accounts a statement's condition narrows its principals to, or undefined when no
 * condition narrows by account. Values with globs do not narrow (`1234*` is many accounts).
 */
export function narrowedAccounts(condition: unknown): string[] | undefined {
  let found: string[] | undefined;
  for (const [op, block] of Object.entries(obj(condition))) {
    if (!POSITIVE.test(op.trim())) continue;
    for (const [key, values] of Object.entries(obj(block))) {
      const k = key.toLowerCase();
      const vals = strings(values);
      let accounts: (string | undefined)[] | undefined;
      if (ACCOUNT_KEYS.includes(k)) accounts = vals.map((v) => (/^\d{12}$/.test(v.trim()) ? v.trim() : undefined));
      else if (k.endsWith("arn")) accounts = vals.map((v) => principalAccount(v));
      if (!accounts || accounts.length === 0) continue;
      if (accounts.some((a) => a === undefined || a === "*")) continue;
      // Several narrowing keys are ANDed: the intersection applies; keep the first complete set.
      const set = accounts as string[];
      found = found ? found.filter((a) => set.includes(a)) : set;
    }
  }
  return found;
}

/** True when a condition has a positive `…:sub` key whose values are not a bare wildcard. */
export function hasSubjectCondition(condition: unknown): boolean {
  for (const [op, block] of Object.entries(obj(condition))) {
    if (!POSITIVE.test(op.trim())) continue;
    for (const [key, values] of Object.entries(obj(block))) {
      if (!key.toLowerCase().endsWith(":sub")) continue;
      const vals = strings(values).map((v) => v.trim());
      if (vals.length > 0 && vals.every((v) => v !== "" && !/^[*?]+$/.test(v) && !/^[^:]*:\*$/.test(v))) return true;
    }
  }
  return false;
}

/** Who a statement exposes a resource to, beyond this stack's accounts. */
export interface Exposure {
  readonly principal: string;
  readonly reason: string;
}

/**
 * What an Allow statement of a resource or trust policy lets in beyond `ownAccounts`. Empty when
 * every principal is this stack's account (or a service narrowed to it).
 * `trust`: the document is a role's trust policy (a service principal there assumes the role for
 * this account's own resources; federated principals need a subject condition).
 */
export function exposures(s: IamStatement, ownAccounts: ReadonlySet<string>, trust = false): Exposure[] {
  if (String(s.Effect ?? "").toLowerCase() !== "allow") return [];
  const narrowed = narrowedAccounts(s.Condition);
  const narrowedToOwn = narrowed !== undefined && narrowed.length > 0 && narrowed.every((a) => ownAccounts.has(a));
  const out: Exposure[] = [];
  for (const p of principalsOf(s)) {
    if (p.kind === "anyone") {
      if (!narrowedToOwn) out.push({ principal: p.value, reason: "lets anyone in (no condition narrows it to this stack's account)" });
    } else if (p.kind === "account") {
      if (p.account === undefined) out.push({ principal: p.value, reason: "names a principal whose account cannot be verified" });
      else if (!ownAccounts.has(p.account))
        out.push({ principal: p.value, reason: `lets account ${p.account} in, which is not this stack's account` });
    } else if (p.kind === "service") {
      if (!trust && !narrowedToOwn)
        out.push({
          principal: p.value,
          reason: "lets the service act for any account (add an aws:SourceAccount or aws:SourceArn condition naming this stack's account)",
        });
    } else if (p.kind === "federated") {
      if (p.account !== undefined && !ownAccounts.has(p.account))
        out.push({ principal: p.value, reason: `trusts an identity provider of account ${p.account}, not this stack's` });
      else if (p.account === undefined)
        out.push({ principal: p.value, reason: "trusts an identity provider that is not an OIDC/SAML provider of this stack's account" });
      else if (!/:saml-provider\//.test(p.value) && !hasSubjectCondition(s.Condition))
        out.push({ principal: p.value, reason: "trusts every identity of the provider: no condition on its `:sub` claim" });
    }
  }
  return out;
}

/**
 * Small readers over policy props. Props are wrapped in `@pulumi/policy`'s unknown-checking
 * proxy: reading a value that is unknown during a preview throws `UnknownValueError`, which the
 * engine reports as "can't run policy during preview" (advisory). Rules that must never assume
 * compliance (residency) read through {@link read} and report unknowns themselves.
 */
import { UnknownValueError } from "@pulumi/policy";

/** A value that may be unknown during a preview. */
export type Read<T> = { readonly known: true; readonly value: T } | { readonly known: false; readonly path: string };

/** Reads with `get`, turning an unknown value into `{ known: false }` instead of an exception. */
export function read<T>(get: () => T): Read<T> {
  try {
    return { known: true, value: get() };
  } catch (e) {
    if (e instanceof UnknownValueError) return { known: false, path: (e as unknown as { props: string[] }).props.join(".") };
    throw e;
  }
}

/** `value` as an array (undefined/null → []). Iterating reads every element through the proxy. */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/** `value` as a plain object view (non-objects → {}). */
export function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** True for `true` and the string "true" (launch templates and Helm values carry strings). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** The string form of a scalar, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}

/** A number from a number or numeric string, or undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

export { type IamStatement, iamStatements } from "./iam";
export { arnRegion, normaliseLocation } from "./location";

/** True when `name` matches one of `patterns` (exact, or a prefix pattern ending in `*`). */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : name === p));
}

/**
 * True when the value read by `get` is set: a non-empty scalar, or a value that is unknown during
 * a preview (an id or ARN wired from another resource, such as a key created in the same run).
 * Used for "is a customer-managed key referenced" checks, so that a fresh stack's preview does
 * not stop the rule on the key's not-yet-known ARN.
 */
export function present(get: () => unknown): boolean {
  const v = read(get);
  if (!v.known) return true;
  return v.value !== undefined && v.value !== null && v.value !== "";
}

/**
 * Matching references between resources of a stack policy: a property holds another resource's
 * id (known) or, during a preview, comes from it (property dependency). Both are accepted, so a
 * rule judges the same wiring in a preview and in an update.
 */
import type { PolicyResource } from "@pulumi/policy";
import { read, str } from "./values";

/** Keys a resource is known by: its id (when known) and its URN. */
export function selfKeys(r: PolicyResource, idKeys: readonly string[] = ["id"]): string[] {
  const keys = [r.urn];
  for (const k of idKeys) {
    const v = read(() => str(r.props[k]));
    if (v.known && v.value) keys.push(v.value.toLowerCase());
  }
  return keys;
}

/** Keys `value` (read at `key` of `r`, or given) may refer to: the value itself and the resources it depends on. */
export function refKeys(r: PolicyResource, key: string, value?: unknown): string[] {
  const keys = (r.propertyDependencies[key] ?? []).map((d) => d.urn);
  const v = value !== undefined ? { known: true as const, value: str(value) } : read(() => str(r.props[key]));
  if (v.known && v.value) keys.push(v.value.toLowerCase());
  return keys;
}

/** True when any key of `a` is a key of `b`. */
export function sameRef(a: readonly string[], b: readonly string[]): boolean {
  return a.some((k) => b.includes(k));
}

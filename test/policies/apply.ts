/** Applies one case change to a copy of a rule's compliant resources. */
import type { RuleCase, UnknownCase, ViolationCase } from "./cases";
import { clone, type Spec, setPath } from "./fixture";

/** The resources of `c` with `change` applied (`value` at `change.path` of the target). */
export function applyChange(c: RuleCase, change: ViolationCase | UnknownCase, value: unknown): Spec[] {
  const specs = clone([...c.specs, ...(("add" in change && change.add) || [])]);
  const targetName = change.target ?? c.target;
  const target = specs.find((s) => s.name === targetName);
  if ("unprotect" in change && change.unprotect && target) (target as { protect?: boolean }).protect = false;
  if (change.path && target) setPath(target.inputs, change.path, value);
  return specs;
}

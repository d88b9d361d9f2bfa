/**
 * The readable summary of a plan: resources by component and by type.
 */
import type { PlanResource } from "./harness";

/** Counts of a plan. */
export interface PlanSummary {
  readonly total: number;
  /** Top-level component (`type name`) → number of resources under it, itself included. */
  readonly byComponent: Record<string, number>;
  /** Resource type → count. */
  readonly byType: Record<string, number>;
}

function sortedRecord(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** Summarises the resources of a plan. */
export function summarize(resources: readonly PlanResource[]): PlanSummary {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const topOf = new Map<string, string>();
  const top = (r: PlanResource): string => {
    const cached = topOf.get(r.urn);
    if (cached) return cached;
    let cur = r;
    while (cur.parent && cur.parent !== stack?.urn && byUrn.has(cur.parent)) cur = byUrn.get(cur.parent) as PlanResource;
    const label = cur.type.startsWith("pulumi:providers:") ? "(providers)" : `${cur.type} ${cur.name}`;
    topOf.set(r.urn, label);
    return label;
  };
  const byComponent = new Map<string, number>();
  const byType = new Map<string, number>();
  for (const r of resources) {
    if (r === stack) continue;
    const c = top(r);
    byComponent.set(c, (byComponent.get(c) ?? 0) + 1);
    byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  }
  return { total: resources.length, byComponent: sortedRecord(byComponent), byType: sortedRecord(byType) };
}

/** Text form of a summary. */
export function formatSummary(stack: string, s: PlanSummary): string {
  const lines = [`Plan of stack "${stack}": ${s.total} resources (the stack and providers included)`, "", "By component:"];
  for (const [k, v] of Object.entries(s.byComponent)) lines.push(`  ${String(v).padStart(5)}  ${k}`);
  lines.push("", "By type:");
  for (const [k, v] of Object.entries(s.byType)) lines.push(`  ${String(v).padStart(5)}  ${k}`);
  return lines.join("\n");
}

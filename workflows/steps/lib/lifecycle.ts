/**
 * The model lifecycle, recorded as a tag on each MLflow model version (MLflow's own stages are
 * deprecated in favour of aliases; the alias `champion` stays the serving pointer):
 *
 *   development ─► staging ─► production ─► archived
 *
 * - `development`: a version registered outside the pipeline (no tag) or by a run still in a
 *   development stack's approval-free path before promotion;
 * - `staging`: registered by the pipeline after the quality gate; waiting for approval/promotion;
 * - `production`: promoted (the champion, or a former champion kept for rollback, tagged with
 *   `superseded-at` when another version took over);
 * - `archived`: superseded for longer than the retention, or a candidate never promoted within it.
 *
 * Pure decision ({@link archiveDecision}); the archive step applies it.
 */

/** Lifecycle tag keys. */
export const LIFECYCLE_TAGS = {
  stage: "mlops.platform/lifecycle",
  supersededAt: "mlops.platform/superseded-at",
  archivedAt: "mlops.platform/archived-at",
} as const;

/** The stages, in order. */
export const STAGES = ["development", "staging", "production", "archived"] as const;
export type Stage = (typeof STAGES)[number];

/** What the archive step needs to know of one version. */
export interface VersionState {
  readonly version: string;
  readonly tags: Readonly<Record<string, string>>;
  /** MLflow `creation_timestamp` (ms). */
  readonly createdMs: number;
  /** True when an alias (e.g. champion) points at it. */
  readonly aliased: boolean;
}

/** The stage of a version (untagged: development). */
export function stageOf(tags: Readonly<Record<string, string>>): Stage {
  const s = tags[LIFECYCLE_TAGS.stage];
  return (STAGES as readonly string[]).includes(s ?? "") ? (s as Stage) : "development";
}

/**
 * Whether `v` is archived now, and why; `undefined` keeps it. Never archives a version an alias
 * points at (the champion, or any alias a person set), an archived one again, or a development
 * version (not the pipeline's to manage).
 */
export function archiveDecision(v: VersionState, nowMs: number, retentionDays: number): string | undefined {
  if (v.aliased) return undefined;
  const stage = stageOf(v.tags);
  const limit = retentionDays * 86_400_000;
  if (stage === "production") {
    const at = Date.parse(v.tags[LIFECYCLE_TAGS.supersededAt] ?? "");
    if (Number.isFinite(at) && nowMs - at >= limit)
      return `superseded on ${new Date(at).toISOString()}, more than ${retentionDays} days ago`;
    return undefined;
  }
  if (stage === "staging" && nowMs - v.createdMs >= limit)
    return `registered ${new Date(v.createdMs).toISOString()} and never promoted within ${retentionDays} days`;
  return undefined;
}

/**
 * The models whose training image the cluster builds from their repository's pushed commits
 * (`models[].training.repository`), for the build namespace, its admission policy and the egress
 * firewall (docs/workflows.md, "Building the pushed commit").
 */
import { buildSourceHosts } from "../components/k8s/image-builds";
import type { PlatformConfig } from "./schema";

/** One model built in the cluster. */
export interface ModelImageBuild {
  readonly team: string;
  readonly model: string;
  readonly cloneUrl: string;
}

/** The declared models that train from a repository, in config order. */
export function modelImageBuilds(cfg: Pick<PlatformConfig, "models">): ModelImageBuild[] {
  return cfg.models.flatMap((m) =>
    m.training.repository === undefined ? [] : [{ team: m.team, model: m.name, cloneUrl: m.training.repository }],
  );
}

/** Their git hosts (`host[:port]`), which the egress firewall must admit for the builds to clone. */
export function modelSourceHosts(cfg: Pick<PlatformConfig, "models">): string[] {
  return buildSourceHosts(modelImageBuilds(cfg));
}

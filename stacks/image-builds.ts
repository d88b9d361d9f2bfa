/**
 * The models whose training image the cluster builds from their repository's pushed commits
 * (`models[].training.repository`), for the build namespace, its admission policy and the egress
 * firewall (docs/workflows.md, "Building the pushed commit").
 */
import { BUILD_NAMESPACE, builderRegistrySecret, builderRegistryToken, buildSourceHosts } from "../components/k8s/image-builds";
import type { OperatorActionSource } from "./operator-actions";
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

/** The `<team>/<model>` repositories of each team's built models, by team (config order). */
export function teamImageRepositories(cfg: Pick<PlatformConfig, "models">): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const b of modelImageBuilds(cfg)) {
    const repos = out[b.team] ?? [];
    if (!repos.includes(`${b.team}/${b.model}`)) repos.push(`${b.team}/${b.model}`);
    out[b.team] = repos;
  }
  return out;
}

/**
 * Azure: each team's builder pushes with its team's registry token, scoped to that team's built
 * models' repositories (components/azure/repository-token.ts). ACR generates the password on
 * request, so the operator generates one per team (with an expiry) and stores it as the docker
 * config that team's builds mount; until then that team's builds fail to push (nothing else waits
 * for it). AWS needs nothing: each team's IRSA role pushes.
 */
export const builderRegistryTokenActions: OperatorActionSource = (cfg) =>
  cfg.cloud !== "azure"
    ? []
    : Object.entries(teamImageRepositories(cfg)).map(([team, repositories]) => ({
        id: `image-builder-registry-token-${team}`,
        kind: "secret" as const,
        summary: `generate the password of team ${team}'s registry token "${builderRegistryToken(team)}" (push to ${repositories.join(", ")} only) and store it as ${BUILD_NAMESPACE}/${builderRegistrySecret(team)}`,
        steps: [
          `PASSWORD=$(az acr token credential generate --registry <registry name> --name ${builderRegistryToken(team)} --password1 --expiration-in-days 90 --query 'passwords[0].value' -o tsv)`,
          `kubectl -n ${BUILD_NAMESPACE} create secret docker-registry ${builderRegistrySecret(team)} --docker-server=<registry name>.azurecr.io --docker-username=${builderRegistryToken(team)} --docker-password="$PASSWORD"`,
          "repeat before the 90 days run out (kubectl ... --dry-run=client -o yaml | kubectl apply -f -)",
        ],
        blocksFirstUp: false,
      }));

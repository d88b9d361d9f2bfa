/**
 * The models whose training image the cluster builds from their repository's pushed commits
 * (`models[].training.repository`), for the build namespace, its admission policy and the egress
 * firewall (docs/workflows.md, "Building the pushed commit").
 */
import { BUILD_NAMESPACE, BUILDER_REGISTRY_SECRET, BUILDER_REGISTRY_TOKEN, buildSourceHosts } from "../components/k8s/image-builds";
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

/**
 * Azure: the builder pushes with the registry token scoped to the built models' repositories
 * (components/azure/repository-token.ts). ACR generates its password on request, so the operator
 * generates one (with an expiry) and stores it as the docker config the builder mounts; until then
 * builds fail to push (nothing else waits for it). AWS needs nothing: the builder's IRSA role pushes.
 */
export const builderRegistryTokenActions: OperatorActionSource = (cfg) =>
  cfg.cloud !== "azure" || modelImageBuilds(cfg).length === 0
    ? []
    : [
        {
          id: "image-builder-registry-token",
          kind: "secret",
          summary: `generate the password of the registry token "${BUILDER_REGISTRY_TOKEN}" (push to ${[
            ...new Set(modelImageBuilds(cfg).map((b) => `${b.team}/${b.model}`)),
          ].join(", ")} only) and store it as ${BUILD_NAMESPACE}/${BUILDER_REGISTRY_SECRET}`,
          steps: [
            `PASSWORD=$(az acr token credential generate --registry <registry name> --name ${BUILDER_REGISTRY_TOKEN} --password1 --expiration-in-days 90 --query 'passwords[0].value' -o tsv)`,
            `kubectl -n ${BUILD_NAMESPACE} create secret docker-registry ${BUILDER_REGISTRY_SECRET} --docker-server=<registry name>.azurecr.io --docker-username=${BUILDER_REGISTRY_TOKEN} --docker-password="$PASSWORD"`,
            "repeat before the 90 days run out (kubectl ... --dry-run=client -o yaml | kubectl apply -f -)",
          ],
          blocksFirstUp: false,
        },
      ];

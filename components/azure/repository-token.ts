/**
 * A registry token scoped to a few repositories: the in-cluster image builder's push right on
 * Azure. An ACR scope map lists exactly the `<team>/<model>` repositories of the models built in
 * the cluster (read, write, metadata read), and a token carries it; nothing else of the registry is
 * reachable with it (no delete, no other repository).
 *
 * Why a token and not the builder's managed identity: ACR scopes an Entra role to repositories only
 * in its ABAC mode (`roleAssignmentMode: AbacRepositoryPermissions`), which the pinned azure-native
 * provider cannot set and which stops honouring AcrPull/AcrPush for every other identity of the
 * stack (the kubelet's included). The token's password is not created here: ACR generates it on
 * request (`az acr token credential generate`), so it never passes through the Pulumi state; the
 * operator stores it as the Kubernetes secret the builder mounts (stacks/image-builds.ts lists the
 * step). Checked against the API's shape only (the provider SDK); not tried against a registry.
 */
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { ArgsCheck } from "./validate";

/** Arguments of {@link RepositoryPushToken}. */
export interface RepositoryPushTokenArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly registryName: pulumi.Input<string>;
  /** ACR name of the token and its scope map (5-50 letters, digits and '-'). */
  readonly tokenName: string;
  /** Repositories the token may push to and pull from, `<team>/<model>`. */
  readonly repositories: readonly string[];
  /**
   * Target prefixes of the registry's cache rules (`docker-hub`, `ghcr`, …): the token may read
   * (pull, and so fill the cache) every repository under them, `repositories/<prefix>/*`, which
   * ACR's scope maps allow as a trailing wildcard; nothing else of them. A training repository's
   * Dockerfile names its base image through the cache.
   * @default [] — no base image readable
   */
  readonly readPrefixes?: readonly string[];
}

/** The scope map actions of {@link RepositoryPushTokenArgs} (exported for tests). */
export function pushScopeActions(repositories: readonly string[], readPrefixes: readonly string[] = []): string[] {
  return [
    ...repositories.flatMap((r) => [
      `repositories/${r}/content/read`,
      `repositories/${r}/content/write`,
      `repositories/${r}/metadata/read`,
    ]),
    ...readPrefixes.flatMap((p) => [`repositories/${p}/*/content/read`, `repositories/${p}/*/metadata/read`]),
  ];
}

/** An ACR scope map and token limited to a few repositories. */
export class RepositoryPushToken extends pulumi.ComponentResource {
  /** The token's user name at the registry (its name). */
  public readonly username: string;
  public readonly tokenId: pulumi.Output<string>;

  constructor(name: string, args: RepositoryPushTokenArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:azure:RepositoryPushToken", name)
      .require(/^[a-zA-Z0-9-]{5,50}$/.test(args.tokenName), "tokenName", args.tokenName, "use 5-50 letters, digits and '-'")
      .require(args.repositories.length > 0, "repositories", args.repositories, "list at least one <team>/<model> repository");
    for (const r of args.repositories)
      check.require(
        /^[a-z0-9]([a-z0-9-]*[a-z0-9])?\/[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(r),
        "repositories",
        r,
        "use <team>/<model>, two DNS labels (no wildcard)",
      );
    for (const p of args.readPrefixes ?? [])
      check.require(
        /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(p),
        "readPrefixes",
        p,
        "use a cache rule's target prefix, one DNS label (the wildcard is added)",
      );
    check.done();
    super("mlops-platform:azure:RepositoryPushToken", name, {}, opts);
    const scopeMap = new containerregistry.ScopeMap(
      `${name}-scope`,
      {
        resourceGroupName: args.resourceGroupName,
        registryName: args.registryName,
        scopeMapName: args.tokenName,
        description: `Push to ${args.repositories.join(", ")} only, read the cache (the in-cluster image builder)`,
        actions: pushScopeActions(args.repositories, args.readPrefixes ?? []),
      },
      { parent: this },
    );
    const token = new containerregistry.Token(
      `${name}-token`,
      {
        resourceGroupName: args.resourceGroupName,
        registryName: args.registryName,
        tokenName: args.tokenName,
        scopeMapId: scopeMap.id,
        status: "enabled",
      },
      { parent: this },
    );
    this.username = args.tokenName;
    this.tokenId = token.id;
    this.registerOutputs({ tokenId: this.tokenId });
  }
}

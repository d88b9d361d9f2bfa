/**
 * ACR artifact cache for the upstream registries of the platform's images
 * (contracts/image-cache.ts): one cache rule per upstream, `<prefix>/*` ⇒ `<upstream>/*` (a
 * repository-level wildcard), and for Docker Hub and GHCR a credential set whose username and
 * token live in the stack's Key Vault, read by the credential set's own identity (Key Vault
 * Secrets User on those two secrets only). Artifact cache is available on every ACR tier, the
 * platform's Premium registry with its private endpoint included: ACR fetches upstream on its
 * side, the cluster pulls through the private endpoint.
 */
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import type { UpstreamRegistry } from "../../contracts/image-cache";
import { assignRole } from "./role-assignment";
import { ArgsCheck } from "./validate";

/** Arguments of {@link ImageCache}. */
export interface ImageCacheArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly registryName: pulumi.Input<string>;
  /** Upstreams to cache (each `azure` mode `cache` or `cache-with-credentials`). */
  readonly upstreams: readonly UpstreamRegistry[];
  /** Credentials per upstream prefix, `<username>:<access token>` (secret), for the `cache-with-credentials` upstreams. */
  readonly credentials: Readonly<Record<string, pulumi.Input<string>>>;
  /** The Key Vault that holds the credentials. */
  readonly vault: {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly vaultName: pulumi.Input<string>;
    readonly vaultId: pulumi.Input<string>;
  };
  readonly subscriptionId: pulumi.Input<string>;
  /** Tags on the Key Vault secrets. @default {} */
  readonly tags?: Record<string, string>;
}

/** The stack registry's artifact cache. */
export class ImageCache extends pulumi.ComponentResource {
  constructor(name: string, args: ImageCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:azure:ImageCache", name);
    for (const u of args.upstreams) {
      check.require(u.azure !== "mirror", "upstreams", u.host, "ACR caches it: give its mode as cache");
      if (u.azure === "cache-with-credentials")
        check.require(
          args.credentials[u.prefix] !== undefined,
          `credentials.${u.prefix}`,
          undefined,
          `give "<username>:<access token>" for ${u.host}`,
        );
    }
    check.done();
    super("mlops-platform:azure:ImageCache", name, {}, opts);

    for (const u of args.upstreams) {
      const credential = args.credentials[u.prefix];
      let credentialSetId: pulumi.Output<string> | undefined;
      if (u.azure === "cache-with-credentials" && credential !== undefined) {
        const part = (which: "username" | "password") =>
          new keyvault.Secret(
            `${name}-${u.prefix}-${which}`,
            {
              resourceGroupName: args.vault.resourceGroupName,
              vaultName: args.vault.vaultName,
              secretName: `registry-cache-${u.prefix}-${which}`,
              properties: {
                value: pulumi.secret(
                  pulumi.output(credential).apply((c) => {
                    const colon = c.indexOf(":");
                    return which === "username" ? c.slice(0, colon) : c.slice(colon + 1);
                  }),
                ),
                contentType: `text/plain; ${u.host} ${which} for the ACR cache`,
              },
              tags: args.tags ?? {},
            },
            { parent: this },
          );
        const username = part("username");
        const password = part("password");
        const set = new containerregistry.CredentialSet(
          `${name}-${u.prefix}`,
          {
            resourceGroupName: args.resourceGroupName,
            registryName: args.registryName,
            credentialSetName: `${u.prefix}-credentials`,
            loginServer: u.host,
            identity: { type: "SystemAssigned" },
            authCredentials: [
              {
                name: "Credential1",
                usernameSecretIdentifier: username.properties.secretUri,
                passwordSecretIdentifier: password.properties.secretUri,
              },
            ],
          },
          { parent: this },
        );
        const principalId = set.identity.apply((i) => i?.principalId ?? "");
        for (const [which, secret] of [
          ["username", username],
          ["password", password],
        ] as const) {
          assignRole(
            `${name}-${u.prefix}-${which}-reader`,
            {
              subscriptionId: args.subscriptionId,
              principalId,
              role: "keyVaultSecretsUser",
              scope: pulumi.interpolate`${args.vault.vaultId}/secrets/${secret.name}`,
              description: `The ACR credential set of ${u.host} reads its ${which}.`,
            },
            this,
          );
        }
        credentialSetId = set.id;
      }
      new containerregistry.CacheRule(
        `${name}-${u.prefix}`,
        {
          resourceGroupName: args.resourceGroupName,
          registryName: args.registryName,
          cacheRuleName: `${u.prefix}-cache`,
          sourceRepository: `${u.host}/*`,
          targetRepository: `${u.prefix}/*`,
          ...(credentialSetId ? { credentialSetResourceId: credentialSetId } : {}),
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}

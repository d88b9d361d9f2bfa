/**
 * What an operator must still provide before (or right after) `pulumi up` for one stack: secrets
 * that the configuration does not carry, images to build and push, DNS to delegate, redirect URIs
 * to register at the identity provider.
 *
 * The list is derived from the validated configuration only, so it is the same in `npm run plan`,
 * in `pulumi preview` and after `pulumi up` (the stack exports it as `operatorActions`).
 *
 * Extending it: write an {@link OperatorActionSource} next to the feature (a function of the
 * configuration returning the feature's actions, or none once the stack provides what it needs)
 * and add it to {@link OPERATOR_ACTION_SOURCES}. Keep ids stable: reports and tests refer to them.
 */
import { PLATFORM_IMAGES } from "../contracts/versions";
import { builderRegistryTokenActions } from "./image-builds";
import { mirrorActions } from "./image-cache";
import type { PlatformConfig } from "./schema";
import { secretGaps } from "./secrets";
import { ingressDomain, STEPS_IMAGE_VERSION } from "./services";

/** What kind of thing the operator provides. */
export type OperatorActionKind = "secret" | "image" | "dns" | "identity-provider" | "data-access";

/** One thing an operator must still provide. */
export interface OperatorAction {
  /** Stable kebab-case id, e.g. `oidc-redirect-uris`. */
  readonly id: string;
  readonly kind: OperatorActionKind;
  /** One line: what is missing. */
  readonly summary: string;
  /** How to provide it: the commands or values, one per line. */
  readonly steps: readonly string[];
  /** True when the first `pulumi up` cannot succeed without it (a release would wait and time out). */
  readonly blocksFirstUp: boolean;
}

/** A feature's contribution: the actions `cfg` still needs from an operator (empty when none). */
export type OperatorActionSource = (cfg: PlatformConfig) => readonly OperatorAction[];

/** Redirect URIs of the platform's SSO clients, to register at the identity provider. */
export const oidcRedirectUris: OperatorActionSource = (cfg) => {
  const domain = ingressDomain(cfg);
  return [
    {
      id: "oidc-redirect-uris",
      kind: "identity-provider",
      summary: `register the redirect URIs of OIDC client "${cfg.identity.oidcClientId}" at ${cfg.identity.ldap ? "Dex (done by the platform) and " : ""}${cfg.identity.oidcIssuerUrl}`,
      steps: [
        `https://argo.${domain}/oauth2/callback`,
        `https://mlflow.${domain}/oauth2/callback`,
        `https://grafana.${domain}/login/generic_oauth`,
      ],
      blocksFirstUp: false,
    },
  ];
};

/**
 * Secrets the stack runs without (development only: production refuses them at validation):
 * each feature they turn on is off until the operator sets the key with `--secret`.
 */
export const unsetSecrets: OperatorActionSource = (cfg) =>
  secretGaps(cfg).map((g) => ({ id: g.id, kind: "secret" as const, summary: g.summary, steps: g.steps, blocksFirstUp: false }));

/** The platform's own images, built from this repository, that the stack's registry must hold. */
export const platformImages: OperatorActionSource = () => [
  {
    id: "platform-images",
    kind: "image",
    summary:
      "build and push the platform's own images to the stack's registry (pulumi stack output registryUrls): the images workflow (.github/workflows/images.yml) does it with OIDC, and the deploy workflow then deploys them by digest (mlops-platform:images.*)",
    steps: [
      `${PLATFORM_IMAGES.mlflow.dockerfile} → <registryUrls.${PLATFORM_IMAGES.mlflow.repository}>:${PLATFORM_IMAGES.mlflow.tag}`,
      `workflows/steps/Dockerfile → <registryUrls.steps>:${STEPS_IMAGE_VERSION}`,
    ],
    blocksFirstUp: true,
  },
];

/**
 * The internal domain: the stack creates the private zone and its records, which resolve inside
 * the network. Clients on the corporate network need their DNS to forward the domain there, and
 * to trust the platform's internal CA.
 */
export const internalDns: OperatorActionSource = (cfg) => [
  {
    id: "internal-dns",
    kind: "dns",
    summary: `forward ${ingressDomain(cfg)} from the corporate DNS to the stack's private zone (Route 53 Resolver inbound endpoint or Azure DNS Private Resolver), and distribute the internal CA`,
    steps: [
      "pulumi stack output urls",
      "kubectl -n cert-manager get secret platform-root-ca -o jsonpath='{.data.ca\\.crt}' | base64 -d > platform-root-ca.crt",
    ],
    blocksFirstUp: false,
  },
];

/** Every source, in the order the plan prints them. Add a feature's source here (one line). */
/**
 * Existing Azure data lakes (`dataLakes[]` with `storageAccountId`): the platform requests a dfs and
 * a blob private endpoint to each, which its owner approves, and Azure does not let the platform read
 * another subscription's account location at plan time, so the owner confirms it is in the UAE.
 */
export const azureDataLakeApprovals: OperatorActionSource = (cfg) =>
  cfg.cloud !== "azure"
    ? []
    : cfg.dataLakes
        .filter((l) => l.storageAccountId !== undefined)
        .map((l) => ({
          id: `data-lake-${l.name}`,
          kind: "data-access" as const,
          summary: `data lake "${l.name}": its owner approves the platform's private endpoints (dfs, blob) and confirms the account is in the UAE`,
          steps: [
            `az storage account show --ids ${l.storageAccountId} --query location   # must be uaenorth or uaecentral`,
            `az network private-endpoint-connection list --id ${l.storageAccountId} --query "[?properties.privateLinkServiceConnectionState.status=='Pending'].id"`,
            "az network private-endpoint-connection approve --id <connection id> --description 'MLOps platform read-only access'",
          ],
          blocksFirstUp: false,
        }));

export const OPERATOR_ACTION_SOURCES: readonly OperatorActionSource[] = [
  unsetSecrets,
  platformImages,
  mirrorActions,
  internalDns,
  oidcRedirectUris,
  azureDataLakeApprovals,
  builderRegistryTokenActions,
];

/**
 * What an operator must still provide for `cfg`: every source's actions, in source order. Throws
 * when two actions share an id (ids are what reports and tests refer to).
 */
export function operatorActions(cfg: PlatformConfig, sources: readonly OperatorActionSource[] = OPERATOR_ACTION_SOURCES): OperatorAction[] {
  const out: OperatorAction[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const action of source(cfg)) {
      if (seen.has(action.id)) throw new Error(`operatorActions(): two actions have the id "${action.id}"; ids must be unique`);
      seen.add(action.id);
      out.push(action);
    }
  }
  return out;
}

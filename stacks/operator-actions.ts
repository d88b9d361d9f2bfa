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
import type { PlatformConfig } from "./schema";
import { ingressDomain, STEPS_IMAGE_VERSION } from "./services";

/** What kind of thing the operator provides. */
export type OperatorActionKind = "secret" | "image" | "dns" | "identity-provider";

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

/** The OIDC client secret and, with LDAP, the bind password: the configuration does not carry them yet. */
export const identitySecrets: OperatorActionSource = (cfg) => {
  const actions: OperatorAction[] = [
    {
      id: "oidc-client-secret",
      kind: "secret",
      summary: 'create the Secret "oidc-client" (keys client-id, client-secret) in the namespaces argo, mlflow and monitoring',
      steps: [
        "for ns in argo mlflow monitoring; do kubectl -n $ns create secret generic oidc-client --from-literal=client-id=" +
          `${cfg.identity.oidcClientId} --from-literal=client-secret="$OIDC_CLIENT_SECRET"; done`,
      ],
      blocksFirstUp: true,
    },
  ];
  if (cfg.identity.ldap) {
    actions.push({
      id: "ldap-bind-password",
      kind: "secret",
      summary: `create the Secret "dex-ldap" (key LDAP_BIND_PASSWORD) in the namespace dex for ${cfg.identity.ldap.bindDn}`,
      steps: ['kubectl -n dex create secret generic dex-ldap --from-literal=LDAP_BIND_PASSWORD="$LDAP_BIND_PASSWORD"'],
      blocksFirstUp: true,
    });
  }
  return actions;
};

/** The platform's own images, built from this repository, that the stack's registry must hold. */
export const platformImages: OperatorActionSource = () => [
  {
    id: "platform-images",
    kind: "image",
    summary: "build and push the platform's own images to the stack's registry (pulumi stack output registryUrls)",
    steps: [
      `${PLATFORM_IMAGES.mlflow.dockerfile} → <registryUrls.${PLATFORM_IMAGES.mlflow.repository}>:${PLATFORM_IMAGES.mlflow.tag}`,
      `workflows/steps/Dockerfile → <registryUrls.steps>:${STEPS_IMAGE_VERSION}`,
    ],
    blocksFirstUp: true,
  },
];

/** The internal domain: nothing resolves it until a private zone points at the internal load balancer. */
export const internalDns: OperatorActionSource = (cfg) => [
  {
    id: "internal-dns",
    kind: "dns",
    summary: `point a private DNS zone for ${ingressDomain(cfg)} (and *.models.${ingressDomain(cfg)}) at the internal load balancer of the traefik Service, and distribute the internal CA`,
    steps: [
      "kubectl -n ingress get service traefik -o jsonpath='{.status.loadBalancer.ingress[0]}'",
      "kubectl -n cert-manager get secret platform-root-ca -o jsonpath='{.data.ca\\.crt}' | base64 -d > platform-root-ca.crt",
    ],
    blocksFirstUp: false,
  },
];

/** Every source, in the order the plan prints them. Add a feature's source here (one line). */
export const OPERATOR_ACTION_SOURCES: readonly OperatorActionSource[] = [identitySecrets, platformImages, internalDns, oidcRedirectUris];

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

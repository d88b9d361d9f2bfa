/**
 * Single sign-on: the OIDC settings every UI uses (Argo Workflows, MLflow's oauth2-proxy,
 * Grafana, the Feast feature server), the client secret's Kubernetes Secret, and Dex as the
 * OIDC bridge when the identity provider is an LDAP directory.
 */

import * as pulumi from "@pulumi/pulumi";
import { PRIVATE_CIDRS } from "../../contracts/egress";
import { CHARTS, IMAGES } from "../../contracts/versions";
import { helmRelease } from "./helm";
import { type ImageCacheInput, viaCache } from "./image-cache";
import { flows } from "./namespace";
import * as k8s from "./sdk";
import { resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, secretStringData } from "./security";
import type { PlatformServiceDescriptor } from "./service";

/** The identity-provider settings the platform receives (from `cfg.identity`). */
export interface IdentitySettings {
  /** OIDC issuer (https). */
  readonly oidcIssuerUrl: string;
  readonly oidcClientId: string;
  readonly adminGroups: readonly string[];
  readonly viewerGroups: readonly string[];
  /** Platform-wide approvers of production promotions (every pipeline namespace). @default [] */
  readonly approverGroups?: readonly string[];
  /** LDAP bridged through Dex. */
  readonly ldap?: { readonly host: string; readonly bindDn: string; readonly userBaseDn: string; readonly groupBaseDn: string };
  /**
   * The OIDC client secret (a secret config value). The platform stores it as the Secret
   * {@link OIDC_SECRET_NAME} in every namespace whose UI signs in through OIDC.
   * @default a random placeholder: the UIs start, but sign-in fails until the real secret is set
   */
  readonly oidcClientSecret?: pulumi.Input<string>;
  /**
   * The LDAP bind password (with `ldap`; a secret config value), stored as the Secret `dex-ldap`.
   * @default a random placeholder: Dex starts, but directory sign-in fails until the real one is set
   */
  readonly ldapBindPassword?: pulumi.Input<string>;
}

/** The name of the Kubernetes Secret holding the OIDC client id and secret in each SSO namespace. */
export const OIDC_SECRET_NAME = "oidc-client";

/** Resolved SSO settings used by every UI. */
export interface SsoSettings {
  readonly issuerUrl: pulumi.Input<string>;
  readonly clientId: string;
  readonly adminGroups: readonly string[];
  readonly viewerGroups: readonly string[];
  /** The client secret, when the platform knows it; otherwise the pre-created Secret is referenced. */
  readonly clientSecret?: pulumi.Input<string>;
  /** Endpoints for clients without discovery (Grafana). */
  readonly endpoints: OidcEndpoints;
}

/** OIDC endpoints of an issuer. */
export interface OidcEndpoints {
  readonly authUrl: string;
  readonly tokenUrl: string;
  readonly userInfoUrl: string;
}

/**
 * The authorize/token/userinfo endpoints of well-known issuers (Keycloak, Entra ID, Okta, Dex),
 * for clients that cannot use discovery. Throws for other issuers, naming the key and the fix.
 */
export function oidcEndpoints(issuer: string): OidcEndpoints {
  const base = issuer.replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`identity.oidcIssuerUrl: "${issuer}" is not a URL; use the issuer's https:// URL`);
  }
  if (url.protocol !== "https:") throw new Error(`identity.oidcIssuerUrl: "${issuer}" must use https://`);
  if (/\/realms\/[^/]+$/.test(url.pathname)) {
    const p = `${base}/protocol/openid-connect`;
    return { authUrl: `${p}/auth`, tokenUrl: `${p}/token`, userInfoUrl: `${p}/userinfo` };
  }
  if (url.hostname === "login.microsoftonline.com") {
    const tenant = url.pathname.split("/").filter(Boolean)[0];
    if (!tenant)
      throw new Error(`identity.oidcIssuerUrl: "${issuer}" lacks the tenant id; use https://login.microsoftonline.com/<tenant>/v2.0`);
    const p = `https://login.microsoftonline.com/${tenant}/oauth2/v2.0`;
    return { authUrl: `${p}/authorize`, tokenUrl: `${p}/token`, userInfoUrl: "https://graph.microsoft.com/oidc/userinfo" };
  }
  if (/\.okta(preview)?\.com$/.test(url.hostname)) {
    const p = url.pathname === "/" || url.pathname === "" ? `${base}/oauth2/v1` : `${base}/v1`;
    return { authUrl: `${p}/authorize`, tokenUrl: `${p}/token`, userInfoUrl: `${p}/userinfo` };
  }
  if (/^dex\./.test(url.hostname) || url.pathname.endsWith("/dex")) {
    return { authUrl: `${base}/auth`, tokenUrl: `${base}/token`, userInfoUrl: `${base}/userinfo` };
  }
  throw new Error(
    `identity.oidcIssuerUrl: "${issuer}" is not an issuer whose endpoints the platform knows (Keycloak …/realms/<realm>, Entra ID login.microsoftonline.com/<tenant>/v2.0, Okta, Dex); use one of those or bridge the provider through Dex (identity.ldap)`,
  );
}

/**
 * Creates (when the secret is known) or references the OIDC client Secret in `namespace`.
 * Returns the Secret name and keys to reference from chart values.
 */
export function oidcClientSecret(
  name: string,
  sso: SsoSettings,
  namespace: pulumi.Input<string>,
  parent: pulumi.Resource,
  dependsOn: readonly pulumi.Resource[] = [],
  extra: Record<string, pulumi.Input<string>> = {},
): { name: string; idKey: "client-id"; secretKey: "client-secret"; resources: pulumi.Resource[] } {
  if (sso.clientSecret === undefined) return { name: OIDC_SECRET_NAME, idKey: "client-id", secretKey: "client-secret", resources: [] };
  const secret = new k8s.core.v1.Secret(
    `${name}-oidc-client`,
    {
      metadata: { name: OIDC_SECRET_NAME, namespace },
      type: "Opaque",
      stringData: secretStringData({ "client-id": sso.clientId, "client-secret": sso.clientSecret, ...extra }),
    },
    { parent, dependsOn: [...dependsOn] },
  );
  return { name: OIDC_SECRET_NAME, idKey: "client-id", secretKey: "client-secret", resources: [secret] };
}

/** Arguments of {@link Dex}. */
export interface DexArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  readonly namespace: pulumi.Input<string>;
  /** The public (internal-ingress) issuer URL of Dex, e.g. `https://dex.dev.mlops.internal`. */
  readonly issuerUrl: string;
  readonly clientId: string;
  /** Secret of the static client the platform's UIs share. */
  readonly clientSecret: pulumi.Input<string>;
  /** Redirect URIs of the platform's UIs. */
  readonly redirectUris: readonly pulumi.Input<string>[];
  readonly ldap: NonNullable<IdentitySettings["ldap"]>;
  /** Password of `ldap.bindDn`, stored as the Secret `dex-ldap` that Dex reads. */
  readonly ldapBindPassword: pulumi.Input<string>;
  readonly replicas: number;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** The Dex configuration (exported for tests). The LDAP bind password comes from the `dex-ldap` Secret via `$LDAP_BIND_PASSWORD`. */
export function dexConfig(
  args: Omit<DexArgs, "namespace" | "clientSecret" | "ldapBindPassword" | "dependsOn" | "replicas">,
): Record<string, unknown> {
  return {
    issuer: args.issuerUrl,
    storage: { type: "kubernetes", config: { inCluster: true } },
    web: { http: "0.0.0.0:5556" },
    oauth2: { skipApprovalScreen: true, responseTypes: ["code"] },
    connectors: [
      {
        type: "ldap",
        id: "ldap",
        name: "Directory",
        config: {
          host: args.ldap.host,
          // LDAPS only: the bind password and user credentials never cross the network in clear.
          insecureNoSSL: false,
          insecureSkipVerify: false,
          startTLS: false,
          bindDN: args.ldap.bindDn,
          bindPW: "$LDAP_BIND_PASSWORD",
          usernamePrompt: "Username",
          userSearch: {
            baseDN: args.ldap.userBaseDn,
            filter: "(objectClass=person)",
            username: "uid",
            idAttr: "uid",
            emailAttr: "mail",
            nameAttr: "cn",
          },
          groupSearch: {
            baseDN: args.ldap.groupBaseDn,
            filter: "(objectClass=groupOfNames)",
            userMatchers: [{ userAttr: "DN", groupAttr: "member" }],
            nameAttr: "cn",
          },
        },
      },
    ],
    staticClients: [{ id: args.clientId, name: "mlops-platform", secretEnv: "DEX_CLIENT_SECRET", redirectURIs: [...args.redirectUris] }],
  };
}

/** Dex as the OIDC bridge to an LDAP directory. */
export class Dex extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: DexArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:Dex", name, {}, opts);
    const clientSecret = new k8s.core.v1.Secret(
      `${name}-client`,
      {
        metadata: { name: "dex-client", namespace: args.namespace },
        stringData: secretStringData({ DEX_CLIENT_SECRET: args.clientSecret }),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    const ldapSecret = new k8s.core.v1.Secret(
      `${name}-ldap`,
      {
        metadata: { name: "dex-ldap", namespace: args.namespace },
        type: "Opaque",
        stringData: secretStringData({ LDAP_BIND_PASSWORD: args.ldapBindPassword }),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.release = helmRelease(
      `${name}-release`,
      {
        chart: CHARTS.dex,
        releaseName: "dex",
        namespace: args.namespace,
        values: {
          replicaCount: args.replicas,
          image: { repository: viaCache(args.imageCache, IMAGES.dex.repository), tag: IMAGES.dex.tag },
          config: dexConfig(args),
          envFrom: [{ secretRef: { name: "dex-client" } }, { secretRef: { name: "dex-ldap" } }],
          service: { type: "ClusterIP" },
          podSecurityContext: restrictedPodSecurityContext(1001),
          securityContext: restrictedContainerSecurityContext(1001),
          resources: resources("small"),
          networkPolicy: { enabled: false },
        },
      },
      { parent: this, dependsOn: [...args.dependsOn, clientSecret, ldapSecret] },
    );
    this.registerOutputs({ release: this.release });
  }
}

/** Namespace of Dex (only with LDAP). */
export const DEX_NAMESPACE = "dex";
/** Port of Dex's HTTP service. */
export const DEX_PORT = 5556;

/** Catalogue entry: Dex, the OIDC issuer in front of an LDAP directory (only when the stack uses LDAP). */
export const dexService: PlatformServiceDescriptor = {
  key: "dex",
  namespace: { name: DEX_NAMESPACE },
  charts: [CHARTS.dex],
  enabled: (ctx) => ctx.ldapHost !== undefined,
  ingress: () => [flows.fromIngress([DEX_PORT])],
  egress: ({ networkCidr, ldapHost }) => [
    flows.apiServer(networkCidr),
    {
      // The directory is reached over the private network (VPN, Direct Connect / ExpressRoute, peering).
      description: "LDAP directory (LDAPS)",
      peers: PRIVATE_CIDRS.map((cidr) => ({ cidr })),
      ports: [{ port: Number(ldapHost?.split(":")[1] ?? 636) }],
    },
  ],
  quota: { cpu: 2, memoryGiB: 4 },
  routes: [{ name: "dex", host: "dex", serviceName: "dex", servicePort: DEX_PORT }],
};

/**
 * The stack's secrets, read from Pulumi config as secret Outputs (`pulumi config set --secret`):
 * the OIDC client secret, the LDAP bind password and the alert receivers' credentials. The
 * validated configuration only records whether each is set; the values go straight from here to
 * the Kubernetes Secrets the services read, and stay secret in the state and the plan.
 */
import * as pulumi from "@pulumi/pulumi";
import { type AlertingSettings, needsCredential } from "../components/k8s/alerting";
import { CREDENTIAL_REGISTRIES } from "../contracts/image-cache";
import { CONFIG_NAMESPACE } from "./config";
import { isProduction, type PlatformConfig, setSecretCommand } from "./schema";

/** The secret inputs of the platform services. */
export interface StackSecrets {
  readonly oidcClientSecret?: pulumi.Output<string>;
  readonly ldapBindPassword?: pulumi.Output<string>;
  /** The git webhook's shared secret (`services.git`); unset: the git trigger is off. */
  readonly gitWebhookSecret?: pulumi.Output<string>;
  /** The passwords of an attached Feast (`services.feast.external`). */
  readonly feast?: { readonly registryPassword: pulumi.Output<string>; readonly onlineStorePassword: pulumi.Output<string> };
  readonly alerting: AlertingSettings;
}

/** Receivers that can deliver: those without a credential need none (email without SMTP auth). */
export function deliverableReceivers(cfg: PlatformConfig): PlatformConfig["services"]["alerting"]["receivers"] {
  return cfg.services.alerting.receivers.filter((r) => !needsCredential(r) || cfg.secrets.alertCredentials[r.name] !== undefined);
}

/** Reads the secret values that `cfg` says are set. Only stacks/ reads config. */
export function readSecrets(cfg: PlatformConfig): StackSecrets {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const receivers = deliverableReceivers(cfg);
  const names = new Set(receivers.map((r) => r.name));
  const credentialsObject =
    Object.keys(cfg.secrets.alertCredentials).length > 0
      ? config.requireSecretObject<Record<string, string>>("alertCredentials")
      : undefined;
  const credentials: Record<string, pulumi.Output<string>> = {};
  for (const name of Object.keys(cfg.secrets.alertCredentials))
    if (names.has(name) && credentialsObject) credentials[name] = pulumi.secret(credentialsObject.apply((o) => String(o[name])));
  // Routes to a receiver left out (development, credential unset) fall back to the default route.
  const routes = cfg.services.alerting.routes.filter((r) => names.has(r.receiver));
  const def = cfg.services.alerting.defaultReceiver;
  return {
    ...(cfg.secrets.oidcClientSecret ? { oidcClientSecret: config.requireSecret("oidcClientSecret") } : {}),
    ...(cfg.secrets.ldapBindPassword ? { ldapBindPassword: config.requireSecret("ldapBindPassword") } : {}),
    ...(cfg.services.git && cfg.secrets.gitWebhookSecret ? { gitWebhookSecret: config.requireSecret("gitWebhookSecret") } : {}),
    ...(cfg.services.feast.external
      ? {
          feast: {
            registryPassword: config.requireSecret("feastRegistryPassword"),
            onlineStorePassword: config.requireSecret("feastOnlineStorePassword"),
          },
        }
      : {}),
    alerting: { receivers, routes, ...(def !== undefined && names.has(def) ? { defaultReceiver: def } : {}), credentials },
  };
}

/** Upstream registry (`docker-hub`, `ghcr`) → `<username>:<access token>` for the registry's pull-through cache (secret). */
export function readRegistryCredentials(cfg: PlatformConfig): Record<string, pulumi.Output<string>> {
  const keys = Object.keys(cfg.secrets.registryCredentials);
  if (keys.length === 0) return {};
  const all = new pulumi.Config(CONFIG_NAMESPACE).requireSecretObject<Record<string, string>>("registryCredentials");
  return Object.fromEntries(keys.map((k) => [k, pulumi.secret(all.apply((o) => String(o[k])))]));
}

/** What a development stack runs without, and the command that turns it on (empty in production: refused there). */
export function secretGaps(cfg: PlatformConfig): { id: string; summary: string; steps: string[] }[] {
  const gaps: { id: string; summary: string; steps: string[] }[] = [];
  if (!cfg.identity.ldap && cfg.secrets.oidcClientSecret === undefined)
    gaps.push({
      id: "oidc-client-secret",
      summary: `SSO sign-in is off: the OIDC client secret of "${cfg.identity.oidcClientId}" is unset, so the UIs hold a random placeholder and sign-in fails`,
      steps: [setSecretCommand(cfg.stack, "oidcClientSecret", "<client-secret>")],
    });
  if (cfg.identity.ldap && cfg.secrets.ldapBindPassword === undefined)
    gaps.push({
      id: "ldap-bind-password",
      summary: `directory sign-in is off: the bind password of ${cfg.identity.ldap.bindDn} is unset (Dex holds a random placeholder)`,
      steps: [setSecretCommand(cfg.stack, "ldapBindPassword", "<bind-password>")],
    });
  if (cfg.services.git && cfg.secrets.gitWebhookSecret === undefined)
    gaps.push({
      id: "git-webhook-secret",
      summary: `git pushes train nothing: the ${cfg.services.git.provider} webhook secret is unset, so the webhook relay is not deployed`,
      steps: [setSecretCommand(cfg.stack, "gitWebhookSecret", "<webhook-secret>")],
    });
  for (const key of CREDENTIAL_REGISTRIES)
    if (cfg.secrets.registryCredentials[key] === undefined)
      gaps.push({
        id: `registry-credentials-${key}`,
        summary: `images from ${key} come from upstream, not through the stack's registry: the pull-through cache has no ${key} credentials`,
        steps: [setSecretCommand(cfg.stack, `registryCredentials.${key}`, "<username>:<access-token>", true)],
      });
  const deliverable = new Set(deliverableReceivers(cfg).map((r) => r.name));
  const silent = cfg.services.alerting.receivers.filter((r) => !deliverable.has(r.name));
  if (cfg.services.alerting.receivers.length === 0)
    gaps.push({
      id: "alert-receivers",
      summary: "alerts reach no one: services.alerting has no receiver (they show in Alertmanager only)",
      steps: ["add an email, webhook, msteams or slack receiver under services.alerting.receivers (docs/configuration.md)"],
    });
  for (const r of silent)
    gaps.push({
      id: `alert-credential-${r.name}`,
      summary: `alert receiver "${r.name}" (${r.type}) is off: its credential is unset`,
      steps: [setSecretCommand(cfg.stack, `alertCredentials.${r.name}`, r.type === "email" ? "<smtp-password>" : "<webhook-url>", true)],
    });
  return isProduction(cfg) ? [] : gaps;
}

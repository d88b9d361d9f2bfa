/**
 * Where alerts go: Alertmanager receivers (email, generic webhook, Microsoft Teams, Slack) and
 * routes per severity and per team, as one prometheus-operator `AlertmanagerConfig` object. The
 * receivers' credentials (webhook URLs, SMTP password) live in one Kubernetes Secret that the
 * object references by key, so no credential is ever written into Helm values or the config.
 */
import type * as pulumi from "@pulumi/pulumi";
import { teamNamespace } from "../contracts";

/** The kinds of receiver the platform configures. */
export type AlertReceiverType = "email" | "webhook" | "msteams" | "slack";

/** One receiver. Its credential (if it needs one) is `credentials[name]`. */
export interface AlertReceiver {
  readonly name: string;
  readonly type: AlertReceiverType;
  /** email: recipient address(es), comma-separated. */
  readonly to?: string;
  /** email: sender address. */
  readonly from?: string;
  /** email: SMTP relay `host:port`. */
  readonly smarthost?: string;
  /** email: SMTP user; when set, the credential is the SMTP password. */
  readonly authUsername?: string;
  /** slack: channel, e.g. `#mlops-alerts`. */
  readonly channel?: string;
}

/** Alert severities the platform's rules use. */
export type AlertSeverity = "critical" | "warning" | "info";

/** One route: alerts of `severity` and/or of `team`'s namespace go to `receiver`. */
export interface AlertRoute {
  readonly receiver: string;
  readonly severity?: AlertSeverity;
  /** A team name: matches alerts from the team's namespace. */
  readonly team?: string;
}

/** The alerting settings of a stack. */
export interface AlertingSettings {
  readonly receivers: readonly AlertReceiver[];
  readonly routes: readonly AlertRoute[];
  /** Receiver of every alert no route matches. @default the first receiver */
  readonly defaultReceiver?: string;
  /** Receiver name → credential (webhook URL for webhook/msteams/slack, SMTP password for email). */
  readonly credentials: Readonly<Record<string, pulumi.Input<string>>>;
}

/** Name of the Secret holding the receivers' credentials, one key per receiver. */
export const ALERT_CREDENTIALS_SECRET = "alertmanager-receivers";
/** Label the Alertmanager selects AlertmanagerConfig objects by. */
export const ALERTMANAGER_CONFIG_LABEL = { "mlops.platform/alertmanager": "platform" } as const;

/** True when a receiver of this shape needs a credential. */
export function needsCredential(r: Pick<AlertReceiver, "type" | "authUsername">): boolean {
  return r.type !== "email" || r.authUsername !== undefined;
}

/** Problems of the settings (names key, value and fix); empty when valid. */
export function alertingProblems(a: Omit<AlertingSettings, "credentials"> & { credentials: Record<string, unknown> }): string[] {
  const p: string[] = [];
  const names = new Set<string>();
  for (const r of a.receivers) {
    if (names.has(r.name)) p.push(`alerting.receivers: "${r.name}" is listed twice; receiver names must be unique`);
    names.add(r.name);
    if (r.type === "email" && (!r.to || !r.from || !r.smarthost))
      p.push(`alerting.receivers["${r.name}"]: an email receiver needs to, from and smarthost (host:port)`);
    if (needsCredential(r) && a.credentials[r.name] === undefined)
      p.push(`alerting.receivers["${r.name}"]: a ${r.type} receiver needs its credential in alertCredentials["${r.name}"]`);
  }
  for (const [i, route] of a.routes.entries())
    if (!names.has(route.receiver))
      p.push(`alerting.routes[${i}].receiver: "${route.receiver}" is not a receiver; use one of ${[...names].join(", ")}`);
  if (a.defaultReceiver !== undefined && !names.has(a.defaultReceiver))
    p.push(`alerting.defaultReceiver: "${a.defaultReceiver}" is not a receiver; use one of ${[...names].join(", ")}`);
  return p;
}

const secretRef = (receiver: string) => ({ name: ALERT_CREDENTIALS_SECRET, key: receiver });

/** One receiver in AlertmanagerConfig form. */
function receiverSpec(r: AlertReceiver): Record<string, unknown> {
  switch (r.type) {
    case "email":
      return {
        name: r.name,
        emailConfigs: [
          {
            to: r.to,
            from: r.from,
            smarthost: r.smarthost,
            requireTLS: true,
            sendResolved: true,
            ...(r.authUsername === undefined ? {} : { authUsername: r.authUsername, authPassword: secretRef(r.name) }),
          },
        ],
      };
    case "webhook":
      return { name: r.name, webhookConfigs: [{ urlSecret: secretRef(r.name), sendResolved: true }] };
    case "msteams":
      // Teams "Workflows" webhooks (Office 365 connectors are retired): Alertmanager's msteamsv2.
      return { name: r.name, msteamsv2Configs: [{ webhookURL: secretRef(r.name), sendResolved: true }] };
    case "slack":
      return {
        name: r.name,
        slackConfigs: [{ apiURL: secretRef(r.name), ...(r.channel ? { channel: r.channel } : {}), sendResolved: true }],
      };
  }
}

/**
 * The `spec` of the platform's AlertmanagerConfig: every receiver, a top route to the default
 * receiver (the always-firing Watchdog and InfoInhibitor excluded) and one child route per
 * configured route, most specific first (team and severity, then team, then severity).
 */
export function alertmanagerConfigSpec(a: Omit<AlertingSettings, "credentials">): Record<string, unknown> {
  const first = a.receivers[0];
  if (!first) throw new Error("alertmanagerConfigSpec(): no receiver; the platform configures none (and says so in the plan)");
  const specificity = (r: AlertRoute) => (r.team ? 2 : 0) + (r.severity ? 1 : 0);
  // A team route matches the team's namespace, and (a twin route) alerts labelled with the team:
  // the SLO alerts of the models it owns, which fire in the serving namespace.
  const routes = [...a.routes]
    .sort((x, y) => specificity(y) - specificity(x))
    .flatMap((r) =>
      (r.team
        ? [
            { name: "namespace", value: teamNamespace(r.team) },
            { name: "team", value: r.team },
          ]
        : [undefined]
      ).map((owner) => ({
        receiver: r.receiver,
        matchers: [
          ...(r.severity ? [{ name: "severity", matchType: "=", value: r.severity }] : []),
          ...(owner ? [{ name: owner.name, matchType: "=", value: owner.value }] : []),
        ],
        ...(r.severity === "critical" ? { repeatInterval: "1h" } : {}),
      })),
    );
  return {
    receivers: a.receivers.map(receiverSpec),
    route: {
      receiver: a.defaultReceiver ?? first.name,
      groupBy: ["alertname", "namespace", "severity"],
      groupWait: "30s",
      groupInterval: "5m",
      repeatInterval: "4h",
      matchers: [{ name: "alertname", matchType: "!~", value: "Watchdog|InfoInhibitor" }],
      routes,
    },
  };
}

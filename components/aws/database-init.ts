/**
 * Creates one login and one database per consumer on the platform's PostgreSQL instance, from a
 * Kubernetes Job inside the cluster (the only network that reaches the private database). The
 * script is idempotent: it creates what is missing and resets the passwords to the generated ones.
 */

import * as pulumi from "@pulumi/pulumi";
import { IMAGES, imageRef } from "../../contracts/versions";
import * as k8s from "../k8s/sdk";
import { ArgsCheck } from "./validate";

/** Arguments of {@link DatabaseInit}. */
export interface DatabaseInitArgs {
  /** Namespace of the Job and its Secret. */
  readonly namespace: string;
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly masterUsername: string;
  readonly masterPassword: pulumi.Input<string>;
  /** Database the master user connects to. */
  readonly adminDatabase: string;
  /** Consumer → password; each consumer becomes a login and a database of the same name. */
  readonly consumers: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Image with `psql`, pinned by tag or digest.
   * @default `IMAGES.postgresClient` of contracts/versions.ts, from ECR Public (upstream)
   */
  readonly image?: pulumi.Input<string>;
}

const SCRIPT = `set -eu
for c in $CONSUMERS; do
  pw="$(printenv "PW_$c")"
  psql -v ON_ERROR_STOP=1 -v name="$c" -v pw="$pw" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'name') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'name') \\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'name', :'pw') \\gexec
SELECT format('GRANT %I TO CURRENT_USER', :'name') \\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name') \\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \\gexec
SQL
done
`;

/** The Job that creates the consumers' logins and databases. */
export class DatabaseInit extends pulumi.ComponentResource {
  /** The Job; platform services that use the databases depend on it. */
  public readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: DatabaseInitArgs, opts?: pulumi.ComponentResourceOptions) {
    const image = args.image ?? imageRef(IMAGES.postgresClient);
    const consumers = Object.keys(args.consumers);
    const check = new ArgsCheck("mlops-platform:aws:DatabaseInit", name)
      .require(consumers.length > 0, "consumers", consumers, "pass at least one consumer and its password")
      .require(
        typeof image !== "string" || (/(@sha256:[a-f0-9]{64}|:[A-Za-z0-9_.-]+)$/.test(image) && !image.endsWith(":latest")),
        "image",
        image,
        "pin the image to a tag or digest (not latest)",
      );
    for (const c of consumers) check.require(/^[a-z][a-z0-9_]{0,30}$/.test(c), "consumers", c, "use lowercase PostgreSQL identifiers");
    check.done();
    super("mlops-platform:aws:DatabaseInit", name, {}, opts);

    const secret = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "mlops-platform" } },
        type: "Opaque",
        stringData: {
          PGPASSWORD: args.masterPassword,
          ...Object.fromEntries(Object.entries(args.consumers).map(([c, pw]) => [`PW_${c}`, pw])),
        },
      },
      { parent: this },
    );
    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      {
        metadata: { namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "mlops-platform" } },
        spec: {
          backoffLimit: 6,
          template: {
            metadata: { labels: { "app.kubernetes.io/name": "database-init" } },
            spec: {
              restartPolicy: "OnFailure",
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "psql",
                  image,
                  command: ["/bin/sh", "-c", SCRIPT],
                  env: [
                    { name: "PGHOST", value: args.host },
                    { name: "PGPORT", value: pulumi.output(args.port).apply(String) },
                    { name: "PGUSER", value: args.masterUsername },
                    { name: "PGDATABASE", value: args.adminDatabase },
                    { name: "PGSSLMODE", value: "require" },
                    { name: "CONSUMERS", value: consumers.join(" ") },
                  ],
                  envFrom: [{ secretRef: { name: secret.metadata.name } }],
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                },
              ],
            },
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({ job: this.job });
  }
}

/**
 * `services.feast`: which Feast the platform's feature server and pipelines use. By default the
 * platform's own (SQL registry in the stack's PostgreSQL, online store in the stack's Redis);
 * `external` attaches an existing Feast registry and online store instead, with the secret keys
 * `feastRegistryPassword` and `feastOnlineStorePassword`. Both must be reachable inside the
 * stack's network (the namespaces' egress allows PostgreSQL and Redis on the VPC/VNet range only)
 * and speak TLS, like the platform's own.
 */
import { z } from "zod";
import { CLONE_URL, featureRepositoryPathProblem } from "../workflows/steps/lib/feature-repo";

const host = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be a DNS host name (private, reachable inside the stack's network), e.g. feast-registry.internal.example.ae",
  );
const port = (fallback: number) => z.number().int().min(1).max(65535).default(fallback);

/** An existing Feast deployment: its project, SQL registry and Redis online store. */
export const ExternalFeastSchema = z.strictObject({
  /** The Feast project name of the existing registry. */
  project: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "must be a Feast project name: letters, digits and underscores, e.g. risk_features"),
  /** The SQL registry (PostgreSQL); its password is the secret key `feastRegistryPassword`. */
  registry: z.strictObject({
    host,
    port: port(5432),
    database: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, "must be a PostgreSQL database name"),
    username: z.string().regex(/^[A-Za-z0-9_.@-]{1,128}$/, "must be a PostgreSQL user name"),
    /** TLS is required: `require` (encrypted) or `verify-full` (encrypted, server certificate checked). */
    sslMode: z
      .enum(["require", "verify-full"], { error: "must be require or verify-full: the platform never connects without TLS" })
      .default("verify-full"),
  }),
  /** The online store (Redis over TLS); its password is the secret key `feastOnlineStorePassword`. */
  onlineStore: z.strictObject({
    type: z.literal("redis", { error: "must be redis: the platform's feature server speaks Redis to the online store" }),
    host,
    port: port(6380),
  }),
});
/** An attached Feast (validated). */
export type ExternalFeast = z.infer<typeof ExternalFeastSchema>;

/**
 * The feature repository (docs/workflows.md, "Feature repository"): Feast definitions in Python that
 * the `feature-apply` pipeline registers with `feast apply` at each pushed commit. The platform
 * supplies `feature_store.yaml`; the repository carries no store configuration and no credentials.
 */
export const FeatureRepositorySchema = z.strictObject({
  /** `https://` clone URL (`owner/name`, GitLab `group/…/name`); pushes to it apply its definitions. */
  url: z
    .string()
    .regex(
      CLONE_URL,
      "must be an https:// git clone URL of an owner/name repository, without credentials, query or fragment, e.g. https://git.example.ae/ml/features.git",
    ),
  /** Folder of the definitions inside the repository. */
  path: z
    .string()
    .refine((p) => featureRepositoryPathProblem(p) === undefined, {
      error: 'must be a folder inside the repository (relative, no "..", no leading dot), e.g. feature_repo or "."',
    })
    .default("."),
});
/** A declared feature repository (validated). */
export type FeatureRepositoryConfig = z.infer<typeof FeatureRepositorySchema>;

/** `services.feast`. */
export const FeastSourceSchema = z.strictObject({
  /** @default none: the platform's own registry (stack PostgreSQL) and online store (stack Redis) */
  external: ExternalFeastSchema.optional(),
  /** @default none: no feature repository; `feature-apply` refuses to run */
  repository: FeatureRepositorySchema.optional(),
});

/** The secret keys an attached Feast needs. */
export const FEAST_SECRET_KEYS = ["feastRegistryPassword", "feastOnlineStorePassword"] as const;

/**
 * Cross-key rules: an attached Feast needs both secrets, and the secrets are refused without one.
 * `issue` reports a problem at a key path.
 */
export function feastSourceRules(
  c: {
    readonly services: { readonly feast: z.infer<typeof FeastSourceSchema> };
    readonly secrets: Partial<Record<(typeof FEAST_SECRET_KEYS)[number], string>>;
  },
  issue: (path: (string | number)[], message: string, input: unknown) => void,
  command: (key: string, value: string) => string,
  clearTextMarker: string,
): void {
  const external = c.services.feast.external;
  for (const key of FEAST_SECRET_KEYS) {
    if (c.secrets[key] === clearTextMarker)
      issue(
        [key],
        `is stored in clear text in the stack file; set it as a secret: ${command(key, "<password>")}`,
        "(clear text, not shown)",
      );
    if (external && c.secrets[key] === undefined)
      issue(
        [key],
        `is required with services.feast.external (the password of the existing Feast ${key === "feastRegistryPassword" ? "registry" : "online store"}); run: ${command(key, "<password>")}`,
        "(unset)",
      );
    if (!external && c.secrets[key] !== undefined)
      issue([key], "is set but services.feast.external is not: remove it or attach an existing Feast", "(secret)");
  }
}

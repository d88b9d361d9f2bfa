/**
 * Argo Events: the controller (Helm), a JetStream EventBus, event sources for new data in the
 * datasets bucket (S3 notifications through SQS on AWS, Event Grid through a storage queue on
 * Azure), git pushes and a schedule, and one Sensor that retrains every served model on the event's
 * data URI with its champion's recorded settings ({@link retrainWorkflow}).
 *
 * Git pushes reach the cluster through the platform's webhook relay (`git-webhook`, the step
 * image's `dist/git-webhook.js`), which verifies each delivery the way the git server signs it
 * (GitHub `X-Hub-Signature-256` HMAC-SHA256 over the body, GitLab `X-Gitlab-Token`) and forwards
 * only verified pushes, reduced to `{provider, repository, commit, ref, cloneUrl}`, to the Argo
 * Events webhook inside the namespace with that webhook's own bearer token.
 */

import * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "../../contracts/endpoints";
import { CHARTS, IMAGES, imageRef } from "../../contracts/versions";
import { DATA_BATCH_MARKER, type DataEventSource, PIPELINE_SERVICE_ACCOUNTS, type WorkloadIdentityRef } from "../contracts";
import { ArgsCheck } from "../validate";
import { ARGO_CLUSTER_ROLES } from "./argo-workflows";
import { type FeatureRepository, featureApplyWorkflow } from "./feature-apply";
import { helmRelease } from "./helm";
import { type ImageCacheInput, viaCache } from "./image-cache";
import { flows } from "./namespace";
import * as k8s from "./sdk";
import { resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, secretStringData } from "./security";
import type { PlatformServiceDescriptor } from "./service";

/** Names of the Argo Events objects (also the event-source names in Sensor dependencies). */
export const EVENT_SOURCES = { data: "data-arrival", git: "git-push", schedule: "schedule" } as const;
/** The Sensor's service account: it only creates Workflows in the pipelines namespace. */
export const SENSOR_SERVICE_ACCOUNT = "argo-events-sensor";
/** Port of the Argo Events webhook behind the relay (reached only from inside the namespace). */
export const WEBHOOK_PORT = 12000;
/** The relay the git server calls: name of its Deployment/Service and its port. */
export const GIT_RELAY = { name: "git-webhook", port: 8080, path: "/push" } as const;

/** The git server whose pushes start a pipeline (`services.git` plus the secret `gitWebhookSecret`). */
export interface GitWebhookSettings {
  readonly provider: "github" | "gitlab";
  /** `owner/name` of each repository whose pushes count. */
  readonly repositories: readonly string[];
  /** Branches whose pushes count. */
  readonly branches: readonly string[];
  /** The webhook's shared secret, as configured on the git server (secret). */
  readonly secret: pulumi.Input<string>;
}

/** A model whose training image the cluster builds from its repository's pushed commits. */
export interface ModelBuild {
  /** The registered (MLflow) model retrained with the built image. */
  readonly registeredModel: string;
  readonly team: string;
  /** The model's name (`models[].name`): the image goes to `<registry>/<team>/<model>`. */
  readonly model: string;
  /** The declared `https://` clone URL; the build clones this, never a URL taken from the event. */
  readonly cloneUrl: string;
}

/**
 * The repository path a push names (`owner/name`, GitLab `group/subgroup/name`): the clone URL's
 * path without its leading slash and `.git`.
 */
export function repositoryPath(cloneUrl: string): string {
  return new URL(cloneUrl).pathname
    .replace(/^\/+/, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
}

/** Name of the template (in the training ClusterWorkflowTemplate) that builds a pushed commit and retrains with it. */
export const BUILD_TEMPLATE = "build-and-retrain";

/** Arguments of {@link ArgoEvents}. */
export interface ArgoEventsArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  readonly namespace: pulumi.Input<string>;
  /** Namespace the training pipeline runs in. */
  readonly pipelinesNamespace: pulumi.Input<string>;
  readonly pipelinesNamespaceName: string;
  /** Data-arrival queue from the cloud layer. */
  readonly dataEvents: DataEventSource;
  readonly region: string;
  /** The `argo-events` identity (consumes the queue). */
  readonly identity: WorkloadIdentityRef;
  /** Name of the event-source service account (bound to {@link identity}). */
  readonly serviceAccountName: string;
  /** Bearer token between the relay and the Argo Events webhook, inside the namespace (secret, generated). */
  readonly webhookToken: pulumi.Input<string>;
  /**
   * The git server, its repositories and the webhook secret.
   * @default none: no relay and no git trigger (pushes train nothing)
   */
  readonly git?: GitWebhookSettings;
  /** The platform's step image, which runs the relay. Required with {@link git}. */
  readonly stepsImage?: pulumi.Input<string>;
  /** Schedule of the periodic retraining (cron, in `timezone`). */
  readonly schedule: string;
  /** @default "Asia/Dubai" */
  readonly timezone?: string;
  /** Data URI used when the trigger is a git push or the schedule. */
  readonly defaultDataUri: pulumi.Input<string>;
  /** Name of the ClusterWorkflowTemplate whose `retrain` template the sensor's workflows run. @default "training-pipeline" */
  readonly trainingTemplate?: string;
  /**
   * Registered (MLflow) models the triggers retrain, with their champion's recorded settings. Empty:
   * no Sensor is created (the event sources stay; nothing is trained without a champion to copy).
   */
  readonly retrainModels: readonly string[];
  /**
   * Key prefix (in the datasets bucket/container) of each retrained model's data: a batch marker
   * under it retrains that model only.
   * @default `platform/<model>/` for each of {@link retrainModels}
   */
  readonly dataPrefixes?: Readonly<Record<string, string>>;
  /**
   * The models built in the cluster from their repository (`models[].training.repository`): a
   * verified push to one of these repositories builds that commit and retrains that model only
   * ({@link BUILD_TEMPLATE}); the other configured repositories keep retraining every model with
   * its champion's code. Needs {@link git}.
   * @default []
   */
  readonly builds?: readonly ModelBuild[];
  /**
   * The declared feature repository (`services.feast.repository`): a verified push to it runs
   * `feast apply` on the pushed commit (the `feature-apply` ClusterWorkflowTemplate) and retrains
   * nothing. Needs {@link git}; without it the template runs only by hand.
   * @default none
   */
  readonly featureRepository?: FeatureRepository;
  readonly replicas: number;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Problems with the args (empty when valid). */
export function argoEventsProblems(args: ArgoEventsArgs): string[] {
  const p: string[] = [];
  if (args.schedule.trim().split(/\s+/).length !== 5)
    p.push(`schedule: "${args.schedule}" must be a 5-field cron expression, e.g. "0 2 * * *"`);
  if (!args.serviceAccountName) p.push('serviceAccountName: "" must name the event-source service account of the argo-events identity');
  if (args.git && args.stepsImage === undefined)
    p.push("stepsImage: undefined; the git webhook relay runs in the platform's step image: give the steps repository's image");
  if (args.git && args.git.repositories.length === 0) p.push('git.repositories: [] must name at least one "owner/name"');
  if ((args.builds?.length ?? 0) > 0 && !args.git)
    p.push("builds: models train from a repository but git is undefined; configure services.git so that pushes reach the cluster");
  (args.builds ?? []).forEach((b, i) => {
    if (!args.retrainModels.includes(b.registeredModel))
      p.push(`builds[${i}].registeredModel: "${b.registeredModel}" is not one of retrainModels (${args.retrainModels.join(", ")})`);
  });
  for (const [model, prefix] of Object.entries(args.dataPrefixes ?? {}))
    if (!/^([A-Za-z0-9._=-]+\/)+$/.test(prefix))
      p.push(`dataPrefixes.${model}: "${prefix}" must be a key prefix of path segments ending in "/", e.g. "platform/${model}/"`);
  args.retrainModels.forEach((m, i) => {
    if (m.trim() === "" || m !== m.trim())
      p.push(`retrainModels[${i}]: "${m}" must be a registered model name without surrounding spaces, e.g. "fraud-scorer"`);
  });
  return p;
}

/** Pod template of event-source and sensor pods: restricted, with requests and limits. */
export function eventPodTemplate(serviceAccountName: string, podLabels: Record<string, string>): Record<string, unknown> {
  return {
    serviceAccountName,
    metadata: { labels: { ...podLabels } },
    securityContext: restrictedPodSecurityContext(),
    container: { securityContext: restrictedContainerSecurityContext(), resources: resources("small") },
  };
}

/**
 * The Go template that turns a batch marker's event into the batch's object-store URI (the folder
 * that holds the marker, with its trailing slash): from the S3 event notification (AWS) or the
 * Event Grid BlobCreated event (Azure, rewritten to `abfss://`).
 */
export function dataUriTemplate(kind: DataEventSource["kind"]): string {
  return kind === "sqs"
    ? `s3://{{ (index .Input.body.Records 0).s3.bucket.name }}/{{ (index .Input.body.Records 0).s3.object.key | trimSuffix "${DATA_BATCH_MARKER}" }}`
    : `{{ regexReplaceAll "^https://([a-z0-9]+)\\\\.blob\\\\.core\\\\.windows\\\\.net/([^/]+)/(.*/)${DATA_BATCH_MARKER}$" .Input.body.data.url "abfss://$2@$1.dfs.core.windows.net/$3" }}`;
}

/** Default data prefix of a model in the datasets bucket/container (the pipelines namespace reads `platform/`). */
export function defaultDataPrefix(model: string): string {
  return `platform/${model}/`;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The Argo Events data filter that keeps only the batch markers under `prefix`: the S3 object key
 * (AWS) or the Event Grid subject (Azure). Argo Events matches string filters as regular expressions.
 */
export function dataPrefixFilter(kind: DataEventSource["kind"], prefix: string): Record<string, unknown> {
  const tail = `${escapeRegex(prefix)}(.*/)?${escapeRegex(DATA_BATCH_MARKER)}$`;
  return kind === "sqs"
    ? { path: "body.Records.0.s3.object.key", type: "string", value: [`^${tail}`] }
    : { path: "body.subject", type: "string", value: [`^/blobServices/default/containers/[^/]+/blobs/${tail}`] };
}

export { DATA_BATCH_MARKER };

/** Name of the template (in the training WorkflowTemplate) that resubmits training with a champion's settings. */
export const RETRAIN_TEMPLATE = "retrain";

/**
 * The Workflow a trigger creates: for every served model, the training template's `retrain` step
 * (templateRef), which submits the training pipeline with the settings the model's champion was
 * trained with (code version, image, command, hyperparameters, quality gate, …) on `data-uri`. The
 * sensor itself supplies no gate, image or command, so it cannot weaken or skip the gate: the new run
 * goes through every check again. A model without a champion trained by the pipeline fails its step
 * with the reason; the other models still retrain.
 */
export function retrainWorkflow(
  args: Pick<ArgoEventsArgs, "trainingTemplate" | "pipelinesNamespaceName" | "retrainModels">,
  trigger: string,
  defaultDataUri: pulumi.Input<string>,
  only?: readonly string[],
): Record<string, unknown> {
  const models = [...new Set(only ?? args.retrainModels)];
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      generateName: `retrain-${slug(trigger)}-`,
      namespace: args.pipelinesNamespaceName,
      labels: { "mlops.platform/trigger": slug(trigger) },
    },
    spec: {
      entrypoint: "retrain-models",
      serviceAccountName: PIPELINE_SERVICE_ACCOUNTS.deploy,
      activeDeadlineSeconds: 3600,
      podGC: { strategy: "OnPodSuccess" },
      ttlStrategy: { secondsAfterSuccess: 86400, secondsAfterFailure: 604800 },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        fsGroup: 65532,
        seccompProfile: { type: "RuntimeDefault" },
      },
      // The referenced steps mount `tmp` (read-only root filesystem) and `mlflow-token` (the pod's
      // token for the MLflow gate): a templateRef brings the template, not the template's volumes.
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
        {
          name: "mlflow-token",
          projected: { sources: [{ serviceAccountToken: { audience: "mlflow", expirationSeconds: 86400, path: "token" } }] },
        },
      ],
      arguments: {
        parameters: [
          { name: "data-uri", value: defaultDataUri },
          { name: "reason", value: trigger },
        ],
      },
      templates: [
        {
          name: "retrain-models",
          steps: [
            [
              {
                name: "retrain",
                templateRef: { name: args.trainingTemplate ?? "training-pipeline", template: RETRAIN_TEMPLATE, clusterScope: true },
                arguments: {
                  parameters: [
                    { name: "model-name", value: "{{item}}" },
                    { name: "data-uri", value: "{{workflow.parameters.data-uri}}" },
                    { name: "reason", value: "{{workflow.parameters.reason}}" },
                  ],
                },
                withItems: models,
              },
            ],
          ],
        },
      ],
    },
  };
}

/**
 * The Workflow a push to a built model's repository creates: the training template's
 * {@link BUILD_TEMPLATE} for that model, with the declared clone URL and the pushed commit and ref
 * (parameters 0 and 1, set from the event). The build step checks both again, the admission policy
 * pins the repository and the destination, and the retraining that follows goes through every check.
 */
export function buildWorkflow(
  args: Pick<ArgoEventsArgs, "trainingTemplate" | "pipelinesNamespaceName">,
  build: ModelBuild,
  defaultDataUri: pulumi.Input<string>,
): Record<string, unknown> {
  const trigger = `build-${build.model}`;
  const wf = retrainWorkflow({ ...args, retrainModels: [build.registeredModel] }, trigger, defaultDataUri);
  const spec = wf.spec as Record<string, unknown>;
  return {
    ...wf,
    spec: {
      ...spec,
      // The build may take its full hour before the retraining is submitted.
      activeDeadlineSeconds: 7200,
      arguments: {
        parameters: [
          { name: "commit", value: "" },
          { name: "ref", value: "" },
          { name: "data-uri", value: defaultDataUri },
          { name: "reason", value: trigger },
        ],
      },
      templates: [
        {
          name: "build-and-retrain",
          steps: [
            [
              {
                name: "build-and-retrain",
                templateRef: { name: args.trainingTemplate ?? "training-pipeline", template: BUILD_TEMPLATE, clusterScope: true },
                arguments: {
                  parameters: [
                    { name: "model-name", value: build.registeredModel },
                    { name: "team", value: build.team },
                    { name: "model", value: build.model },
                    { name: "clone-url", value: build.cloneUrl },
                    { name: "commit", value: "{{workflow.parameters.commit}}" },
                    { name: "ref", value: "{{workflow.parameters.ref}}" },
                    { name: "data-uri", value: "{{workflow.parameters.data-uri}}" },
                    { name: "reason", value: "{{workflow.parameters.reason}}" },
                  ],
                },
              },
            ],
          ],
        },
      ],
      entrypoint: "build-and-retrain",
    },
  };
}

/** Argo Events expression filter on the relayed push's repository (`body.repository`). */
function repositoryFilter(expr: string): Record<string, unknown> {
  return { exprs: [{ expr, fields: [{ name: "repository", path: "body.repository" }] }] };
}

/** A label value / name fragment from a model or trigger name (lowercase alphanumerics and hyphens, ≤ 40). */
function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40)
      .replace(/-+$/, "") || "x"
  );
}

/**
 * The Sensor spec (exported for tests). Data events are routed per model: one dependency per
 * retrained model, filtered on its data prefix, whose trigger retrains that model only, on the
 * batch that closed. The git push and the schedule retrain every model.
 */
export function sensorSpec(
  args: Pick<
    ArgoEventsArgs,
    "dataEvents" | "trainingTemplate" | "pipelinesNamespaceName" | "retrainModels" | "git" | "dataPrefixes" | "builds" | "featureRepository"
  >,
  defaultDataUri: pulumi.Input<string>,
  podLabels: Record<string, string>,
): Record<string, unknown> {
  const trigger = (name: string, dependency: string, parameters: Record<string, unknown>[], only?: readonly string[]) => ({
    template: {
      name,
      conditions: dependency,
      k8s: { operation: "create", source: { resource: retrainWorkflow(args, name, defaultDataUri, only) }, parameters },
    },
    retryStrategy: { steps: 3, duration: "10s", factor: 2 },
  });
  const models = [...new Set(args.retrainModels)];
  const dataDeps = models.map((model, i) => ({
    model,
    // Dependency names appear in trigger conditions: letters and digits only.
    name: `data${i}`,
    prefix: args.dataPrefixes?.[model] ?? defaultDataPrefix(model),
  }));
  // Pushes to a built model's repository build that commit; pushes to the other repositories retrain every model.
  const builds = args.git ? (args.builds ?? []) : [];
  // A push to the feature repository applies its definitions and retrains nothing.
  const featurePath = args.git && args.featureRepository ? repositoryPath(args.featureRepository.cloneUrl) : undefined;
  const builtPaths = [...new Set([...builds.map((b) => repositoryPath(b.cloneUrl)), ...(featurePath ? [featurePath] : [])])];
  const buildDeps = builds.map((b, i) => ({ build: b, name: `build${i}`, path: repositoryPath(b.cloneUrl) }));
  // Without a served model the pushes to other repositories and the schedule have nothing to retrain.
  const otherRepositories = models.length === 0 ? [] : (args.git?.repositories ?? []).filter((r) => !builtPaths.includes(r));
  const gitTrigger = (parameters: Record<string, unknown>[]) => trigger("git", "git", parameters);
  return {
    template: eventPodTemplate(SENSOR_SERVICE_ACCOUNT, podLabels),
    dependencies: [
      ...dataDeps.map((d) => ({
        name: d.name,
        eventSourceName: EVENT_SOURCES.data,
        eventName: "datasets",
        filters: { data: [dataPrefixFilter(args.dataEvents.kind, d.prefix)] },
      })),
      ...(args.git && otherRepositories.length > 0
        ? [
            {
              name: "git",
              eventSourceName: EVENT_SOURCES.git,
              eventName: "push",
              ...(builtPaths.length > 0
                ? { filters: repositoryFilter(builtPaths.map((r) => `repository != ${JSON.stringify(r)}`).join(" && ")) }
                : {}),
            },
          ]
        : []),
      ...buildDeps.map((d) => ({
        name: d.name,
        eventSourceName: EVENT_SOURCES.git,
        eventName: "push",
        filters: repositoryFilter(`repository == ${JSON.stringify(d.path)}`),
      })),
      ...(featurePath
        ? [
            {
              name: "features",
              eventSourceName: EVENT_SOURCES.git,
              eventName: "push",
              filters: repositoryFilter(`repository == ${JSON.stringify(featurePath)}`),
            },
          ]
        : []),
      ...(models.length > 0 ? [{ name: "schedule", eventSourceName: EVENT_SOURCES.schedule, eventName: "nightly" }] : []),
    ],
    triggers: [
      ...dataDeps.map((d) =>
        trigger(
          `data-${d.model}`,
          d.name,
          [
            {
              src: { dependencyName: d.name, dataTemplate: dataUriTemplate(args.dataEvents.kind) },
              dest: "spec.arguments.parameters.0.value",
            },
          ],
          [d.model],
        ),
      ),
      ...(args.git && otherRepositories.length > 0
        ? [
            gitTrigger([
              {
                // The relay forwards only verified pushes, reduced to these fields.
                src: {
                  dependencyName: "git",
                  dataTemplate: "git push {{ .Input.body.repository }}@{{ .Input.body.commit }}",
                  value: "git push",
                },
                dest: "spec.arguments.parameters.1.value",
              },
            ]),
          ]
        : []),
      ...buildDeps.map((d) => ({
        template: {
          name: `build-${d.build.model}`,
          conditions: d.name,
          k8s: {
            operation: "create",
            source: { resource: buildWorkflow(args, d.build, defaultDataUri) },
            // The relay forwards only verified pushes of a 40-hex commit to refs/heads/<branch>.
            parameters: [
              { src: { dependencyName: d.name, dataKey: "body.commit" }, dest: "spec.arguments.parameters.0.value" },
              { src: { dependencyName: d.name, dataKey: "body.ref" }, dest: "spec.arguments.parameters.1.value" },
              {
                src: {
                  dependencyName: d.name,
                  dataTemplate: "git push {{ .Input.body.repository }}@{{ .Input.body.commit }}",
                  value: "git push",
                },
                dest: "spec.arguments.parameters.3.value",
              },
            ],
          },
        },
        retryStrategy: { steps: 3, duration: "10s", factor: 2 },
      })),
      ...(featurePath
        ? [
            {
              template: {
                name: "feature-apply",
                conditions: "features",
                k8s: {
                  operation: "create",
                  source: { resource: featureApplyWorkflow(args.pipelinesNamespaceName) },
                  // Only the commit and the ref come from the (verified) push; the repository is the declared one.
                  parameters: [
                    { src: { dependencyName: "features", dataKey: "body.commit" }, dest: "spec.arguments.parameters.0.value" },
                    { src: { dependencyName: "features", dataKey: "body.ref" }, dest: "spec.arguments.parameters.1.value" },
                  ],
                },
              },
              retryStrategy: { steps: 3, duration: "10s", factor: 2 },
            },
          ]
        : []),
      ...(models.length > 0 ? [trigger("schedule", "schedule", [])] : []),
    ],
  };
}

/** Argo Events with the platform's event sources and training sensor. */
export class ArgoEvents extends pulumi.ComponentResource {
  /** The release that installs the Argo Events CRDs. */
  public readonly release: k8s.helm.v3.Release;
  /** Service name and port of the git webhook, for the internal ingress. */
  public readonly webhookService: { name: string; port: number };

  constructor(name: string, args: ArgoEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:ArgoEvents", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:ArgoEvents", name).problems(argoEventsProblems(args)).done();
    const sc = restrictedContainerSecurityContext();
    const pod = restrictedPodSecurityContext();
    this.release = helmRelease(
      `${name}-release`,
      {
        chart: CHARTS.argoEvents,
        releaseName: "argo-events",
        namespace: args.namespace,
        values: {
          crds: { install: true, keep: true },
          global: {
            image: { repository: viaCache(args.imageCache, IMAGES.argoEvents.repository), tag: IMAGES.argoEvents.tag },
            securityContext: pod,
          },
          configs: {
            jetstream: {
              versions: [
                {
                  version: IMAGES.nats.tag,
                  natsImage: viaCache(args.imageCache, imageRef(IMAGES.nats)),
                  metricsExporterImage: viaCache(args.imageCache, imageRef(IMAGES.natsMetricsExporter)),
                  configReloaderImage: viaCache(args.imageCache, imageRef(IMAGES.natsConfigReloader)),
                  startCommand: "/nats-server",
                },
              ],
            },
          },
          controller: {
            replicas: 1,
            containerSecurityContext: sc,
            resources: resources("small"),
            rbac: { enabled: true, namespaced: false },
          },
          webhook: { enabled: false },
        },
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    const crd = { parent: this, dependsOn: [...args.dependsOn, this.release] };

    new k8s.core.v1.ServiceAccount(
      `${name}-eventsource-sa`,
      {
        metadata: {
          name: args.serviceAccountName,
          namespace: args.namespace,
          annotations: { ...args.identity.serviceAccountAnnotations },
          labels: { ...args.identity.podLabels },
        },
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    new k8s.core.v1.ServiceAccount(
      `${name}-sensor-sa`,
      { metadata: { name: SENSOR_SERVICE_ACCOUNT, namespace: args.namespace } },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-sensor-submit`,
      {
        metadata: { name: "argo-events-sensor-submit", namespace: args.pipelinesNamespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.submitter },
        subjects: [{ kind: "ServiceAccount", name: SENSOR_SERVICE_ACCOUNT, namespace: pulumi.output(args.namespace) }],
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    const webhookSecret = new k8s.core.v1.Secret(
      `${name}-git-webhook`,
      {
        metadata: { name: GIT_RELAY.name, namespace: args.namespace },
        type: "Opaque",
        // token: the relay's bearer to the Argo Events webhook; secret: the git server's webhook secret.
        stringData: secretStringData({ token: args.webhookToken, ...(args.git ? { secret: args.git.secret } : {}) }),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );

    const eventBus = new k8s.apiextensions.CustomResource(
      `${name}-eventbus`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "EventBus",
        metadata: { name: "default", namespace: args.namespace },
        spec: {
          jetstream: {
            version: IMAGES.nats.tag,
            replicas: 3,
            securityContext: pod,
            containerTemplate: { securityContext: sc, resources: resources("small") },
            metricsContainerTemplate: { securityContext: sc, resources: resources("tiny") },
            reloaderContainerTemplate: { securityContext: sc, resources: resources("tiny") },
            persistence: { accessMode: "ReadWriteOnce", volumeSize: "10Gi" },
          },
        },
      },
      crd,
    );
    const esOpts = { parent: this, dependsOn: [...args.dependsOn, this.release, eventBus] };
    const template = eventPodTemplate(args.serviceAccountName, args.identity.podLabels);
    const dataSource =
      args.dataEvents.kind === "sqs"
        ? {
            sqs: {
              datasets: {
                region: args.region,
                queue: args.dataEvents.queueUrl.apply((u) => u.split("/").pop() ?? u),
                queueAccountId: args.dataEvents.queueArn.apply((a) => a.split(":")[4] ?? ""),
                waitTimeSeconds: 20,
                jsonBody: true,
              },
            },
          }
        : {
            azureQueueStorage: {
              datasets: {
                storageAccountName: args.dataEvents.storageAccountName,
                queueName: args.dataEvents.queueName,
                jsonBody: true,
                dlq: false,
                decodeMessage: true,
              },
            },
          };
    new k8s.apiextensions.CustomResource(
      `${name}-data-arrival`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "EventSource",
        metadata: { name: EVENT_SOURCES.data, namespace: args.namespace },
        spec: { template, ...dataSource },
      },
      esOpts,
    );
    this.webhookService = { name: GIT_RELAY.name, port: GIT_RELAY.port };
    if (args.git && args.stepsImage !== undefined)
      gitRelay(`${name}-git-relay`, {
        namespace: args.namespace,
        namespaceName: args.namespace,
        git: args.git,
        image: args.stepsImage,
        replicas: args.replicas,
        secretName: GIT_RELAY.name,
        parent: this,
        dependsOn: [...args.dependsOn, webhookSecret],
      });
    if (args.git)
      new k8s.apiextensions.CustomResource(
        `${name}-git-push`,
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "EventSource",
          metadata: { name: EVENT_SOURCES.git, namespace: args.namespace },
          spec: {
            template: eventPodTemplate("default", {}),
            service: { ports: [{ port: WEBHOOK_PORT, targetPort: WEBHOOK_PORT }] },
            webhook: {
              push: { port: String(WEBHOOK_PORT), endpoint: "/push", method: "POST", authSecret: { name: "git-webhook", key: "token" } },
            },
          },
        },
        { ...esOpts, dependsOn: [...args.dependsOn, this.release, eventBus, webhookSecret] },
      );
    new k8s.apiextensions.CustomResource(
      `${name}-schedule`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "EventSource",
        metadata: { name: EVENT_SOURCES.schedule, namespace: args.namespace },
        spec: {
          template: eventPodTemplate("default", {}),
          calendar: { nightly: { schedule: args.schedule, timezone: args.timezone ?? "Asia/Dubai" } },
        },
      },
      esOpts,
    );
    if (args.retrainModels.length > 0 || (args.git !== undefined && args.featureRepository !== undefined)) {
      new k8s.apiextensions.CustomResource(
        `${name}-training-sensor`,
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Sensor",
          metadata: { name: "training-trigger", namespace: args.namespace },
          // An object of inputs, not built in an apply: a preview knows the triggers, the service
          // account and the security context even while the data location is unknown.
          spec: sensorSpec(args, args.defaultDataUri, {}),
        },
        esOpts,
      );
    }
    this.registerOutputs({ release: this.release, webhookService: this.webhookService });
  }
}

/** The service account of the event sources (it assumes the Argo Events identity). */
export const ARGO_EVENTS_SERVICE_ACCOUNT = "argo-events-sa";

/** Catalogue entry: Argo Events (data-arrival, git-push and schedule triggers). */
export const argoEventsService: PlatformServiceDescriptor = {
  key: "argo-events",
  namespace: { name: NAMESPACES.argoEvents },
  charts: [CHARTS.argoEvents],
  identity: {
    key: "argo-events",
    serviceAccounts: [ARGO_EVENTS_SERVICE_ACCOUNT],
    buckets: [],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: true,
  },
  // The ingress reaches only the relay; the Argo Events webhook is reached from inside the namespace.
  ingress: () => [flows.fromIngress([GIT_RELAY.port], { app: GIT_RELAY.name }), flows.scrape()],
  egress: ({ networkCidr, internet }) => [flows.apiServer(networkCidr), flows.cloudApis(internet?.cloudApiHosts)],
  quota: { cpu: 4, memoryGiB: 8 },
  routes: [{ name: "events", host: "events", serviceName: GIT_RELAY.name, servicePort: GIT_RELAY.port }],
};

/** Arguments of {@link gitRelay}. */
interface GitRelayArgs {
  readonly namespace: pulumi.Input<string>;
  readonly namespaceName: pulumi.Input<string>;
  readonly git: GitWebhookSettings;
  readonly image: pulumi.Input<string>;
  readonly replicas: number;
  /** Secret with `secret` (git server's) and `token` (Argo Events webhook's). */
  readonly secretName: string;
  readonly parent: pulumi.Resource;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** The relay's container environment (exported for tests). */
export function gitRelayEnv(git: Omit<GitWebhookSettings, "secret">, namespace: pulumi.Input<string>, secretName: string) {
  return [
    { name: "GIT_PROVIDER", value: git.provider },
    { name: "GIT_REPOSITORIES", value: git.repositories.join("\n") },
    { name: "GIT_BRANCHES", value: git.branches.join("\n") },
    { name: "PORT", value: String(GIT_RELAY.port) },
    {
      name: "FORWARD_URL",
      value: pulumi.interpolate`http://${EVENT_SOURCES.git}-eventsource-svc.${namespace}.svc.cluster.local:${WEBHOOK_PORT}/push`,
    },
    { name: "GIT_WEBHOOK_SECRET", valueFrom: { secretKeyRef: { name: secretName, key: "secret" } } },
    { name: "FORWARD_TOKEN", valueFrom: { secretKeyRef: { name: secretName, key: "token" } } },
  ];
}

/** The webhook relay: restricted pods of the step image, no Kubernetes token, behind the internal ingress. */
function gitRelay(name: string, args: GitRelayArgs): void {
  const labels = { app: GIT_RELAY.name, "app.kubernetes.io/part-of": "mlops-platform" };
  const opts = { parent: args.parent, dependsOn: [...args.dependsOn] };
  new k8s.core.v1.ServiceAccount(
    `${name}-sa`,
    { metadata: { name: GIT_RELAY.name, namespace: args.namespace }, automountServiceAccountToken: false },
    opts,
  );
  new k8s.apps.v1.Deployment(
    name,
    {
      metadata: { name: GIT_RELAY.name, namespace: args.namespace, labels },
      spec: {
        replicas: Math.max(2, args.replicas),
        selector: { matchLabels: { app: GIT_RELAY.name } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: GIT_RELAY.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: "relay",
                image: args.image,
                command: ["node", "dist/git-webhook.js"],
                env: gitRelayEnv(args.git, args.namespaceName, args.secretName),
                ports: [{ name: "http", containerPort: GIT_RELAY.port }],
                readinessProbe: { httpGet: { path: "/healthz", port: GIT_RELAY.port }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: "/healthz", port: GIT_RELAY.port }, periodSeconds: 30 },
                securityContext: restrictedContainerSecurityContext(),
                resources: resources("small"),
              },
            ],
          },
        },
      },
    },
    opts,
  );
  new k8s.core.v1.Service(
    `${name}-svc`,
    {
      metadata: { name: GIT_RELAY.name, namespace: args.namespace, labels },
      spec: {
        type: "ClusterIP",
        selector: { app: GIT_RELAY.name },
        ports: [{ name: "http", port: GIT_RELAY.port, targetPort: GIT_RELAY.port }],
      },
    },
    opts,
  );
}

/**
 * Checks on the workflow objects a stack's plan installs, shared by the per-stack plan tests
 * (the plans are made once per test run by the global setup).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NAMESPACES, PIPELINE_SERVICE_ACCOUNTS } from "../../components/contracts";
import { IMAGES } from "../../contracts/versions";
import { STEPS_IMAGE_VERSION } from "../../stacks/services";
import type { PlanResult } from "../../tools/lib/harness";
import { UNKNOWN } from "../../tools/lib/values";
import { loadWorkflowDocuments, PIPELINE_SETTINGS_CONFIGMAP, STEPS_IMAGE_PLACEHOLDER } from "../../workflows";
import { lintWorkflowDocuments } from "../../workflows/lint";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;

function images(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) images(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) k === "image" && typeof v === "string" ? out.push(v) : images(v, out);
  return out;
}

/** Registers the assertions for one shipped stack. */
export function describeInstalledWorkflows(
  stack: string,
  expected: { environment: "development" | "production"; region: string; cloud: "aws" | "azure" },
): void {
  describe(`workflows installed by the ${stack} plan`, () => {
    let plan: PlanResult;
    // The objects of workflows/; the per-model drift CronWorkflows it generates are checked in drift-crons.test.ts.
    const ofKind = (kind: string) =>
      plan.resources.filter(
        (r) =>
          r.type === `kubernetes:argoproj.io/v1alpha1:${kind}` &&
          ((r.inputs.metadata as Obj).labels as Obj | undefined)?.["mlops.platform/model"] === undefined,
      );
    beforeAll(async () => {
      plan = shippedPlan(stack);
    }, 240_000);

    it("installs every object of workflows/: templates once, cluster-wide; CronWorkflows in the platform pipeline namespace", () => {
      const shipped = loadWorkflowDocuments().map((d) => `${String(d.object.kind)}/${String((d.object.metadata as Obj).name)}`);
      const installed = [...ofKind("ClusterWorkflowTemplate"), ...ofKind("WorkflowTemplate"), ...ofKind("CronWorkflow")]
        .filter((r) => {
          const ns = (r.inputs.metadata as Obj).namespace;
          return r.inputs.kind === "ClusterWorkflowTemplate" ? ns === undefined : ns === NAMESPACES.pipelines;
        })
        .map((r) => `${String(r.inputs.kind)}/${String((r.inputs.metadata as Obj).name)}`);
      expect(installed.sort()).toEqual(shipped.sort());
      expect(ofKind("ClusterWorkflowTemplate").map((r) => (r.inputs.metadata as Obj).name)).toContain("training-pipeline");
    });

    it("replaces the step image placeholder with the stack registry's image at the steps package version", () => {
      const version = (
        JSON.parse(readFileSync(join(__dirname, "..", "..", "workflows", "steps", "package.json"), "utf8")) as { version: string }
      ).version;
      expect(STEPS_IMAGE_VERSION).toBe(version);
      expect(STEPS_IMAGE_PLACEHOLDER.endsWith(`:${version}`)).toBe(true);
      for (const r of [...ofKind("ClusterWorkflowTemplate"), ...ofKind("WorkflowTemplate"), ...ofKind("CronWorkflow")]) {
        const list = images(r.inputs.spec);
        expect(list.length, r.name).toBeGreaterThan(0);
        expect(list, r.name).not.toContain(STEPS_IMAGE_PLACEHOLDER);
        // The registry URL is only known after deployment (the plan marks it unknown); otherwise it is <repository>:<version>.
        // feature-apply also runs the pinned Feast image, through the stack registry's cache.
        for (const image of list.filter((i) => !i.startsWith("{{") && i !== UNKNOWN))
          expect(image, r.name).toMatch(
            new RegExp(
              `/steps:${version.replace(/\./g, "\\.")}$|/quay/feastdev/feature-server:${IMAGES.feastFeatureServer.tag.replace(/\./g, "\\.")}$`,
            ),
          );
      }
    });

    it("installs objects that still pass the workflows lint, in every namespace", async () => {
      const byNamespace = new Map<string, { file: string; object: Obj }[]>();
      for (const r of [...ofKind("ClusterWorkflowTemplate"), ...ofKind("WorkflowTemplate"), ...ofKind("CronWorkflow")]) {
        const { namespace, ...metadata } = r.inputs.metadata as Obj;
        // An image computed from the unknown registry URL stands for `<registry>/steps:<version>` (see stacks/services.ts).
        const object = JSON.parse(
          JSON.stringify({ ...r.inputs, metadata }).replaceAll(
            `"image":"${UNKNOWN}"`,
            `"image":"registry.invalid/steps:${STEPS_IMAGE_VERSION}"`,
          ),
        ) as Obj;
        byNamespace.set(String(namespace), [...(byNamespace.get(String(namespace)) ?? []), { file: r.name, object }]);
      }
      expect(byNamespace.size).toBeGreaterThan(0);
      // The installed step image is the platform's own (admission allows it by its exact reference).
      const stepImages = [...byNamespace.values()]
        .flatMap((docs) => docs.flatMap((d) => images(d.object.spec)))
        .filter((i) => i.endsWith(`/steps:${STEPS_IMAGE_VERSION}`));
      const registryHosts = [...new Set(stepImages.map((i) => i.split("/")[0] as string))];
      const feastImage = [...byNamespace.values()]
        .flatMap((docs) => docs.flatMap((d) => images(d.object.spec)))
        .find((i) => i.includes("/feastdev/feature-server:"));
      for (const [ns, docs] of byNamespace)
        expect(
          await lintWorkflowDocuments(docs, {
            platformImages: [...new Set(stepImages)],
            registryHosts,
            ...(feastImage ? { feastImage } : {}),
          }),
          ns,
        ).toEqual([]);
    });

    it("creates the trusted settings the steps read, with the stack's environment, region and data locations", () => {
      const settings = plan.resources.filter(
        (r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.metadata as Obj).name === PIPELINE_SETTINGS_CONFIGMAP,
      );
      const namespaces = settings.map((r) => (r.inputs.metadata as Obj).namespace);
      expect(namespaces).toContain(NAMESPACES.pipelines);
      for (const r of settings) {
        const data = r.inputs.data as Record<string, string>;
        expect(data, r.name).toMatchObject({
          PLATFORM_CLOUD: expected.cloud,
          PLATFORM_REGION: expected.region,
          PLATFORM_ENVIRONMENT: expected.environment,
        });
        const prefixes = (data.PLATFORM_ALLOWED_DATA_PREFIXES ?? "").split("\n");
        // The bucket/account name may be unknown until deployment; when known it is the namespace's own prefix.
        if (prefixes[0] !== UNKNOWN)
          expect(prefixes[0], r.name).toMatch(
            expected.cloud === "aws"
              ? /^s3:\/\/[^/]+\/(platform|teams\/[a-z0-9-]+)\/$/
              : /^abfss:\/\/[^@]+@[a-z0-9]+\.dfs\.core\.windows\.net\/(platform|teams\/[a-z0-9-]+)\/$/,
          );
        expect(data.PLATFORM_MLFLOW_URL, r.name).toMatch(/^http:\/\/[a-z0-9-]+\.mlflow\.svc\.cluster\.local:\d+$/);
      }
    });

    it("lets every team namespace run the training pipeline with the platform's step accounts, without a copy it could change", () => {
      const teamTemplates = ofKind("WorkflowTemplate").filter((r) => String((r.inputs.metadata as Obj).namespace).startsWith("team-"));
      expect(teamTemplates.map((r) => r.name)).toEqual([]);
      // Teams read the cluster templates through one cluster-wide, read-only binding.
      const readers = plan.resources.find(
        (r) =>
          r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding" &&
          (r.inputs.metadata as Obj).name === "mlops-team-template-readers",
      );
      const role = plan.resources.find(
        (r) =>
          r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole" &&
          (r.inputs.metadata as Obj).name === "mlops-cluster-template-reader",
      );
      expect((role?.inputs.rules as Obj[] | undefined)?.map((x) => x.verbs)).toEqual([["get", "list", "watch"]]);
      expect(JSON.stringify(readers?.inputs.subjects)).toMatch(/team-fraud/);
      const teamNamespaces = new Set(
        plan.resources
          .filter((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.metadata as Obj).name === PIPELINE_SETTINGS_CONFIGMAP)
          .map((r) => String((r.inputs.metadata as Obj).namespace)),
      );
      const accounts = plan.resources
        .filter((r) => r.type === "kubernetes:core/v1:ServiceAccount")
        .map((r) => `${String((r.inputs.metadata as Obj).namespace)}/${String((r.inputs.metadata as Obj).name)}`);
      for (const ns of teamNamespaces)
        for (const sa of Object.values(PIPELINE_SERVICE_ACCOUNTS)) expect(accounts, `${ns}/${sa}`).toContain(`${ns}/${sa}`);
    });
  });
}

/**
 * `npx tsx tools/platform-images.ts` — the platform's own images, as the repository pins them: for
 * each, the config key of its digest (`mlops-platform:images.<key>`), the registry repository key
 * (a key of the `registryUrls` stack output), the version tag, and the Docker build context and
 * file. One JSON line, read by `.github/workflows/images.yml` (build and push) and
 * `deploy-stack.yml` (resolve the digests before `pulumi up`). With `--mirrors`: per cloud, the
 * pinned upstream images its registry cannot cache (nvcr.io on ECR), which images.yml copies.
 */
import { dirname } from "node:path";
import { type MirroredImage, mirroredImages } from "../contracts/image-cache";
import { IMAGES, PLATFORM_IMAGES } from "../contracts/versions";
import type { ImageDigestsSchema } from "../stacks/schema";
import { STEPS_IMAGE_VERSION } from "../stacks/services";

/** One image the platform builds from this repository. */
export interface PlatformImage {
  /** `mlops-platform:images.<key>` holds its digest. */
  readonly key: keyof (typeof ImageDigestsSchema)["shape"];
  /** Key of the `registryUrls` stack output: the repository it is pushed to. */
  readonly repository: string;
  readonly tag: string;
  readonly context: string;
  readonly dockerfile: string;
}

/** Every image the platform builds, in a fixed order. */
export function platformImages(): PlatformImage[] {
  return [
    { key: "steps", repository: "steps", tag: STEPS_IMAGE_VERSION, context: "workflows/steps", dockerfile: "workflows/steps/Dockerfile" },
    {
      key: "mlflow",
      repository: PLATFORM_IMAGES.mlflow.repository,
      tag: PLATFORM_IMAGES.mlflow.tag,
      context: dirname(PLATFORM_IMAGES.mlflow.dockerfile),
      dockerfile: PLATFORM_IMAGES.mlflow.dockerfile,
    },
  ];
}

/** Per cloud, the pinned upstream images its registry cannot cache, which the images workflow copies (`--mirrors`). */
export function platformMirrors(): Record<"aws" | "azure", MirroredImage[]> {
  return { aws: mirroredImages("aws", Object.values(IMAGES)), azure: mirroredImages("azure", Object.values(IMAGES)) };
}

if (require.main === module)
  process.stdout.write(`${JSON.stringify(process.argv.includes("--mirrors") ? platformMirrors() : platformImages())}\n`);

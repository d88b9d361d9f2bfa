import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { ImageDigestsSchema } from "../../stacks/schema";
import { platformImages } from "../../tools/platform-images";

const ROOT = resolve(__dirname, "../..");

it("lists every image whose digest the stack can carry, with a build context and Dockerfile that exist", () => {
  const images = platformImages();
  expect(images.map((i) => i.key).sort()).toEqual(Object.keys(ImageDigestsSchema.shape).sort());
  for (const i of images) {
    expect(existsSync(join(ROOT, i.dockerfile)), i.dockerfile).toBe(true);
    expect(i.dockerfile.startsWith(`${i.context}/`), i.dockerfile).toBe(true);
    expect(i.tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
  }
});

import { defineConfig } from "vitest/config";

/**
 * Files that run a Pulumi program under mocks (the runtime state is process-global, so each
 * needs a process of its own). Every other file shares a worker, which saves loading the SDKs
 * once per file.
 */
const PROGRAM_FILES = [
  "test/components/k8s/platform-fake-cloud.test.ts",
  "test/plan/refuses-bad-config.test.ts",
  "test/stacks/aws-*.test.ts",
  "test/stacks/azure-*.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: "programs", include: PROGRAM_FILES, pool: "forks", isolate: true },
      },
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: PROGRAM_FILES,
          pool: "forks",
          isolate: false,
          // Plans each shipped stack once; tests read them with shippedPlan().
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});

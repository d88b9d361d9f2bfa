import { defineConfig } from "vitest/config";

/**
 * Files that run a Pulumi program under mocks (the runtime state is process-global, so each
 * needs a process of its own). Every other file shares a worker, which saves loading the SDKs
 * once per file; the offline plans they read are made once, by the global setup
 * (test/support/plan-requests.ts).
 */
const PROGRAM_FILES = ["test/components/k8s/platform-fake-cloud.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // One worker per core (vitest leaves one core free by default): many tests wait on a child
    // process (the plan and lint commands, Chromium), and the type-check runs beside vitest.
    maxWorkers: "100%",
    hookTimeout: 120_000,
    // Defers the SDK modules the tests never use, once per worker (test/support/worker-setup.ts).
    setupFiles: ["test/support/worker-setup.ts"],
    // Transformed modules are kept on disk (node_modules/.experimental-vitest-cache, keyed by
    // content) and reused by the other worker and the next run: each worker used to transform the
    // same ~600 TypeScript modules again (about 5 s each). A fresh clone (CI) starts empty.
    experimental: { fsModuleCache: true },
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
          // Plans every request in test/support/plan-requests.ts once; tests read them with planned().
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});

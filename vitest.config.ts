import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files that run a Pulumi program under mocks. The runtime state (mocks, registered resources) is
 * process-global, so two of them cannot share a process: the first runs in a shared worker
 * beside the files that register no resource (the rest of the suite: the offline plans they read
 * are made once, by the global setup, test/support/plan-requests.ts), and each further one gets a
 * process of its own. A process of its own costs about 2 CPU s (the worker, the SDKs, the
 * project's modules), so extend an existing program file rather than adding one.
 */
const PROGRAM_FILES = ["test/components/k8s/platform-fake-cloud.test.ts"];
const OWN_PROCESS = PROGRAM_FILES.slice(1);

/**
 * Runs the files that start a child process (the plan, forks and lint commands, the policy pack,
 * Chromium) first, each group in vitest's own order (longest last time first; largest first
 * without timings). Such a file holds its worker while the child runs; a fresh clone (CI) has no
 * timings, and vitest then ran these small files last, where a child can leave a core idle at
 * the end of the run.
 */
class ChildProcessesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const spawns = new Set(sorted.filter((f) => readFileSync(f.moduleId, "utf8").includes("node:child_process")));
    return [...sorted.filter((f) => spawns.has(f)), ...sorted.filter((f) => !spawns.has(f))];
  }
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // One worker per core (vitest leaves one core free by default): many tests wait on a child
    // process (the plan and lint commands, Chromium), and the type-check runs beside vitest.
    maxWorkers: "100%",
    hookTimeout: 120_000,
    sequence: { sequencer: ChildProcessesFirst },
    // Defers the SDK modules the tests never use, once per worker (test/support/worker-setup.ts).
    setupFiles: ["test/support/worker-setup.ts"],
    // Transformed modules are kept on disk (node_modules/.experimental-vitest-cache, keyed by
    // content) and reused by the other worker and the next run: each worker used to transform the
    // same ~600 TypeScript modules again (about 5 s each). A fresh clone (CI) starts empty.
    experimental: { fsModuleCache: true },
    projects: [
      ...(OWN_PROCESS.length > 0
        ? [{ extends: true, test: { name: "programs", include: OWN_PROCESS, pool: "forks" as const, isolate: true } }]
        : []),
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: OWN_PROCESS,
          pool: "forks",
          isolate: false,
          // Plans every request in test/support/plan-requests.ts once; tests read them with planned().
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});

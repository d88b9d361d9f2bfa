/**
 * Runs in every vitest worker before its test files:
 *
 * - the Pulumi SDK's eager load of the TypeScript compiler and `@npmcli/arborist` is deferred, as
 *   the offline tools (`npm run plan`, `npm run check`, the global setup's planners) defer it
 *   (tools/lib/lazy-deps.ts; its test shows that a program needing them still gets them). About
 *   2 CPU s and 90 MB less per worker.
 * - V8 optimises later, as in the offline tools (tools/tiering.cjs): the suite's code mostly runs
 *   a few hundred times, and the optimising compiler's threads competed with the other worker and
 *   the type-check for the two cores. `npm run vitest` alone: 44-53 s against 47-56 s in four
 *   alternating pairs, about 6 user CPU s less.
 *
 * Vitest runs this file again before each file of a shared worker, but not what it imports: the
 * hooks are installed once per worker.
 */
import "../../tools/lib/lazy-deps";
import "../../tools/tiering.cjs";

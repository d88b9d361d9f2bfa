/**
 * Runs in every vitest worker before its test files: the Pulumi SDK's eager load of the
 * TypeScript compiler and `@npmcli/arborist` is deferred, as the offline tools (`npm run plan`,
 * `npm run check`, the global setup's planners) defer it (tools/lib/lazy-deps.ts; its test shows
 * that a program needing them still gets them). About 2 CPU s and 90 MB less per worker.
 *
 * Vitest runs this file again before each file of a shared worker, but not what it imports: the
 * hook is installed once per worker.
 */
import "../../tools/lib/lazy-deps";

/**
 * Later optimisation for the offline tools (`npm run plan`, `npm run check`, `npm run bench`).
 *
 * A plan runs for about two seconds, and most of its code (the SDKs' registration path, the
 * program's components) runs a few hundred to a few thousand times. V8's optimising compiler
 * (TurboFan) compiles such functions on background threads as soon as they get warm: for a
 * uae-prod plan on two cores that was about 1.3 of its 4 CPU seconds, a few tenths of a second
 * of wall time and 6-10 MiB of its peak, for code that finished running before the optimised
 * version paid back. Raising the threshold sixteenfold leaves TurboFan for the code that really
 * is hot (the 100-team plan keeps its speed) and everything else on V8's baseline tiers. What
 * the program computes is unchanged: only when V8 compiles changes.
 *
 * The threshold's flag differs between V8 versions: V8 11 (Node 20) counts a function's budget
 * in bytecode executed, V8 12 and 13 (Node 22, 24) count invocations. Node 24 also runs a mid
 * tier (Maglev), whose threshold is raised alike: that took a shipped stack's peak from 187-205
 * to 168-179 MiB at the same speed (Node 22's build leaves Maglev out, so there the flag is
 * accepted and changes nothing). Each is set to sixteen times its default. A V8 this
 * file does not know is left alone, so a future Node runs the tools with its own defaults rather
 * than an unknown-flag error.
 */
"use strict";
const v8 = require("node:v8");

/** V8's default for each flag, times sixteen (Node 20 and 22 run without Maglev). */
const INVOCATION_COUNTS = ["--invocation-count-for-turbofan=48000", "--invocation-count-for-maglev=6400"];
const FLAGS_BY_V8_MAJOR = new Map([
  [11, ["--interrupt-budget=1081344"]],
  [12, INVOCATION_COUNTS],
  [13, INVOCATION_COUNTS],
]);

/** The tiering flags for a V8 version string (`process.versions.v8`): none for a V8 this file does not know. */
function tieringFlags(v8Version) {
  return [...(FLAGS_BY_V8_MAJOR.get(Number(String(v8Version).split(".")[0])) ?? [])];
}

// Tiering flags are read when V8 decides to optimise a function, so setting them before the tools
// load applies to all their code (Node keeps V8's flags writable for this call).
for (const flag of tieringFlags(process.versions.v8)) v8.setFlagsFromString(flag);

module.exports = { tieringFlags };

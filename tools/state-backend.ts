/**
 * `npx tsx tools/state-backend.ts [--url <PULUMI_BACKEND_URL>] [--verify]`: refuses a Pulumi
 * state backend outside the UAE. Without `--verify` it checks the URL only; with it, it also asks
 * the cloud (aws / az CLI, with the deploy job's credentials) where the bucket or account is.
 */
import { execFileSync } from "node:child_process";
import { backendProblems, verifyBackendLocation } from "./lib/state-backend";

const argv = process.argv.slice(2);
const at = argv.indexOf("--url");
const url = at >= 0 ? argv[at + 1] : process.env.PULUMI_BACKEND_URL;
let problems = backendProblems(url);
if (problems.length === 0 && argv.includes("--verify")) {
  problems = verifyBackendLocation(url as string, (command, args) => execFileSync(command, [...args], { encoding: "utf8" }).trim());
}
if (problems.length > 0) {
  for (const p of problems) console.error(`state backend: ${p}`);
  process.exit(1);
}
console.log(`state backend ${url} is in the UAE`);

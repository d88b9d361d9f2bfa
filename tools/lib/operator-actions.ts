/**
 * The end of `npm run plan`: what an operator must still provide for the stack, read from the
 * plan's `operatorActions` stack output (stacks/operator-actions.ts), so the plan prints exactly
 * what the program declares.
 */
import type { OperatorAction } from "../../stacks/operator-actions";

/** The operator actions a plan's stack outputs declare (none when the output is absent). */
export function operatorActionsOf(outputs: Record<string, unknown>): OperatorAction[] {
  const value = outputs.operatorActions;
  return Array.isArray(value) ? (value as OperatorAction[]) : [];
}

/** Text form: a numbered list of what is missing, or one line saying nothing is. */
export function formatOperatorActions(stack: string, actions: readonly OperatorAction[]): string {
  if (actions.length === 0) return `Nothing is missing: stack "${stack}" needs nothing more from an operator before \`pulumi up\`.`;
  const lines = [`Before \`pulumi up\` of stack "${stack}", an operator must still provide (${actions.length}):`];
  actions.forEach((a, i) => {
    lines.push(`  ${i + 1}. [${a.kind}] ${a.summary}${a.blocksFirstUp ? " (the first pulumi up waits for it)" : ""}`);
    for (const step of a.steps) lines.push(`       ${step}`);
  });
  return lines.join("\n");
}

/**
 * This stack's AWS accounts: the `allowedAccountIds` of its AWS providers and the account of every
 * ARN the stack's own resources carry (`arn` outputs). A principal is "this stack's" only when its
 * account is one of these; when none is known (a fresh preview), no account can be verified.
 */
import type { PolicyResource } from "@pulumi/policy";
import { principalAccount } from "./principals";
import { list, read, str } from "./values";

/** The AWS account ids this stack's resources live in. */
export function stackAccounts(resources: readonly PolicyResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    if (r.type === "pulumi:providers:aws") {
      const ids = read(() => list(r.props.allowedAccountIds).map((v) => str(v)));
      if (ids.known) for (const id of ids.value) if (id && /^\d{12}$/.test(id)) out.add(id);
      continue;
    }
    if (!r.type.startsWith("aws:")) continue;
    const arn = read(() => str(r.props.arn));
    if (!arn.known || !arn.value) continue;
    const account = principalAccount(arn.value);
    if (account && account !== "*") out.add(account);
  }
  return out;
}

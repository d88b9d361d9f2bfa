/**
 * Reading a value from a resource that does not exist yet (list keys, user credentials) must
 * wait until it is created: during a preview such reads are skipped and their result is unknown.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * `value`, known only once `marker` (an output the cloud computes at creation, such as a host
 * name) is known. Passing the result as an invoke argument makes the Pulumi SDK skip the invoke
 * while the resource is still to be created, instead of failing on a missing resource.
 */
export function afterCreate<T>(value: pulumi.Input<T>, marker: pulumi.Output<unknown>): pulumi.Output<T> {
  return pulumi.all([value, marker]).apply(([v]) => v as T);
}

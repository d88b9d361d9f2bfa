/**
 * Keeps an input object known in a preview when one of its leaves is not.
 *
 * For some input objects the azure-native SDK fills in defaults inside
 * `pulumi.output(value).apply(...)` (ManagedCluster's `securityProfile` is one). An apply over an
 * object with one unknown leaf (a key version created in the same run) is unknown as a whole, so a
 * preview, and every policy judging it, would see nothing of that object. This resource
 * transformation hands the engine the object itself instead: the engine serializes it field by
 * field, so only the leaf that really comes from another resource stays unknown. The caller sets
 * every field the SDK would default, so nothing the SDK adds is lost.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A `transformations` entry that registers `props[key]` as `value`, an object of inputs. */
export function keepKnownInPreview(key: string, value: Record<string, unknown>): pulumi.ResourceTransformation {
  return (a) => ({ props: { ...a.props, [key]: value }, opts: a.opts });
}

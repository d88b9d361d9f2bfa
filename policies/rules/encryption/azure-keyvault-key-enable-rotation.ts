import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** Key Vault keys rotate automatically. */
export const azureKeyvaultKeyEnableRotation = resourceRule({
  name: "azure-keyvault-key-enable-rotation",
  types: ["azure-native:keyvault:Key"],
  check: ({ props, report }) => {
    const actions = list(obj(obj(props.properties).rotationPolicy).lifetimeActions);
    const rotates = actions.some((a) => (str(obj(obj(a).action).type) ?? "").toLowerCase() === "rotate");
    if (!rotates) report("the key has no rotation policy with a rotate action (properties.rotationPolicy.lifetimeActions)");
  },
});

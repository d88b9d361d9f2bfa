import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/** Redis speaks TLS 1.2+ only. */
export const azureRedisCacheEnforceTls = resourceRule({
  name: "azure-redis-cache-enforce-tls",
  types: ["azure-native:redis:Redis", "azure-native:redisenterprise:Database"],
  check: ({ args, props, report }) => {
    if (args.type === "azure-native:redisenterprise:Database") {
      if (str(props.clientProtocol) === "Plaintext") report('clientProtocol is "Plaintext"; use "Encrypted"');
      return;
    }
    if (props.enableNonSslPort === true) report("the non-TLS port 6379 is enabled (enableNonSslPort: false)");
    const tls = str(props.minimumTlsVersion);
    if (tls !== "1.2" && tls !== "1.3") report(`minimumTlsVersion is "${tls ?? "(unset)"}"; set "1.2"`);
  },
});

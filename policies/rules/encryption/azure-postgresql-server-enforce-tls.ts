import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/** PostgreSQL parameters never turn TLS off or below 1.2. */
export const azurePostgresqlServerEnforceTls = resourceRule({
  name: "azure-postgresql-server-enforce-tls",
  types: ["azure-native:dbforpostgresql:Configuration"],
  check: ({ props, report }) => {
    const name = (str(props.configurationName) ?? "").toLowerCase();
    const value = (str(props.value) ?? "").toLowerCase();
    if (name === "require_secure_transport" && value !== "on")
      report("require_secure_transport is turned off: clients could connect without TLS");
    if (name === "ssl_min_protocol_version" && !["tlsv1.2", "tlsv1.3"].includes(value))
      report(`ssl_min_protocol_version is "${value}"; use TLSv1.2 or later`);
  },
});

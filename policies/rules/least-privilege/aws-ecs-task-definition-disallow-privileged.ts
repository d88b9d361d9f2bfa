import { resourceRule } from "../../lib/rule";
import { isTrue, list, obj, str } from "../../lib/values";

/** Capabilities that amount to root on the host. */
const HOST_CAPABILITIES = new Set(["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "NET_ADMIN", "DAC_READ_SEARCH"]);

/** The container definitions of a task definition (a JSON string in the provider, or an already parsed list). */
function containers(value: unknown): unknown[] | undefined {
  if (typeof value !== "string") return list(value);
  try {
    return list(JSON.parse(value));
  } catch {
    return undefined;
  }
}

/**
 * ECS task definitions run no privileged containers, add no host-level capabilities and share no
 * host PID or IPC namespace: the ECS counterpart of the pod rules.
 */
export const awsEcsTaskDefinitionDisallowPrivileged = resourceRule({
  name: "aws-ecs-task-definition-disallow-privileged",
  types: ["aws:ecs/taskDefinition:TaskDefinition"],
  check: ({ props, report }) => {
    for (const key of ["pidMode", "ipcMode"])
      if (str(props[key]) === "host") report(`${key} is "host": the task shares the host's namespace`);
    const defs = containers(props.containerDefinitions);
    if (!defs) {
      report("containerDefinitions is not valid JSON, so its containers cannot be judged");
      return;
    }
    defs.forEach((d, i) => {
      const c = obj(d);
      const name = str(c.name) ?? `[${i}]`;
      if (isTrue(c.privileged)) report(`container ${name} is privileged`);
      const add = list(obj(obj(c.linuxParameters).capabilities).add).map((x) => (str(x) ?? "").toUpperCase().replace(/^CAP_/, ""));
      const host = add.filter((x) => HOST_CAPABILITIES.has(x));
      if (host.length) report(`container ${name} adds host-level capabilities ${host.join(", ")}`);
    });
  },
});

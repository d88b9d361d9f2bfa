/**
 * The contracts shared across layers (stacks, components, policies, workflows, tools), in one
 * leaf module: it imports nothing else of the project (a test enforces it), so any layer, and the
 * policy pack on its own, may import it.
 */
export * from "./audit";
export * from "./cidr";
export * from "./egress";
export * from "./endpoints";
export * from "./environment";
export * from "./image-cache";
export * from "./kubernetes";
export * from "./mesh";
export * from "./platform-namespaces";
export * from "./regions";
export * from "./scheduling";
export * from "./versions";

/**
 * Start-up speed for the offline tools (`npm run plan`, `npm run check`, the benchmark).
 *
 * `@pulumi/pulumi` eagerly requires the TypeScript compiler and `@npmcli/arborist` for
 * function serialization (closures of dynamic providers and callbacks), which this project
 * never uses; loading them costs over half of the SDK's start-up. Its index also loads the
 * Automation API (about 90 modules: execa, glob, semver, package.json normalisation), which
 * neither a program nor these tools call. This hook hands the SDK (`@pulumi/pulumi` and
 * `@pulumi/policy`) a proxy that loads the real module on first use instead, so behaviour is
 * unchanged and a program that does serialize a function (or a tool that does use
 * `pulumi.automation`) still works. It is installed by the tools only; the Pulumi CLI runs the
 * program with the SDK as published.
 */
import Module from "node:module";

/**
 * Also `normalize-package-data` (with spdx and hosted-git-info), which the same function
 * serialization requires eagerly, and gRPC (`@grpc/grpc-js`, 65 modules, and the generated
 * `*_grpc_pb` service stubs that use it when they load): the SDK and `@pulumi/policy` load it for
 * talking to the engine and serving a policy pack, while the offline tools plan under mocks and
 * run the pack in-process. About 40 ms per process.
 */
const LAZY = new Set(["typescript", "@npmcli/arborist", "normalize-package-data", "@grpc/grpc-js"]);
/**
 * Namespaces of the SDK index (`require("./automation")` and the like from `@pulumi/pulumi/index.js`)
 * that a program under mocks and these tools never touch: the Automation API, and the provider
 * server and dynamic providers (`pulumi.provider`, `pulumi.dynamic`), which load the provider
 * protocol's server with its status and error messages (about 1.5 MiB at a plan's peak).
 */
const LAZY_FROM_INDEX = new Set(["./automation", "./provider", "./dynamic"]);

type Loader = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };
const load = moduleWithLoad._load;

function lazy(loadReal: () => object): object {
  let real: object | undefined;
  const target = () => {
    real ??= loadReal();
    return real;
  };
  return new Proxy(
    {},
    {
      // Reporting an ES module makes TypeScript's __importStar return the proxy as is,
      // instead of copying (and so loading) every export.
      // `default` is what TypeScript's __importDefault/__importStar give a CommonJS module: the module itself.
      get: (_, key) => {
        if (key === "__esModule") return true;
        const real = target() as { __esModule?: boolean; default?: unknown };
        return key === "default" && !real.__esModule ? real : Reflect.get(real, key);
      },
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        // Module loaders (Node's require(esm) interop, tsx) look for these right after loading.
        if (key === "__esModule") return { value: true, configurable: true, enumerable: false, writable: false };
        if (key === "module.exports") return undefined;
        const d = Reflect.getOwnPropertyDescriptor(target(), key);
        return d ? { ...d, configurable: true } : undefined;
      },
    },
  );
}

moduleWithLoad._load = function lazyLoad(this: unknown, request, parent, isMain) {
  const filename = parent?.filename ?? "";
  const sdk = filename.includes(`${"@pulumi"}/pulumi/`) || filename.includes(`${"@pulumi"}/policy/`);
  if (
    sdk &&
    (LAZY.has(request) ||
      request.endsWith("_grpc_pb") ||
      (LAZY_FROM_INDEX.has(request) && filename.endsWith(`${"@pulumi"}/pulumi/index.js`)))
  ) {
    return lazy(() => load.call(this, request, parent, isMain) as object);
  }
  return load.call(this, request, parent, isMain);
};

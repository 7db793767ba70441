// @tensorflow/tfjs-node 4.22.0 calls util.is* helpers that Node 23 removed (util.isNullOrUndefined
// among them), so on Node >= 23 its kernels throw "is not a function" at the first call. The fix is
// merged upstream but not released; until then we put back exactly the helpers its JavaScript uses,
// with Node's old semantics, and only where the running Node lacks them.
// scripts/check-tfjs-node-shim.ts scans the published package to keep this list exact.

/** The util.is* helpers tfjs-node 4.22.0 calls, as Node defined them before removing them. */
export const TFJS_NODE_UTIL_HELPERS: Readonly<Record<string, (value: unknown) => boolean>> = {
  isArray: (value) => Array.isArray(value),
  isNullOrUndefined: (value) => value === null || value === undefined,
};

/**
 * Defines each helper of TFJS_NODE_UTIL_HELPERS on `target` (Node's util module by default) where it
 * is missing; helpers the running Node still has are left alone. Returns the names it defined.
 */
export function installTfjsNodeUtilHelpers(target: object = nodeUtil()): string[] {
  const installed: string[] = [];
  for (const [name, helper] of Object.entries(TFJS_NODE_UTIL_HELPERS)) {
    if (typeof (target as Record<string, unknown>)[name] === 'function') continue;
    Object.defineProperty(target, name, { value: helper, writable: true, configurable: true, enumerable: true });
    installed.push(name);
  }
  return installed;
}

function nodeUtil(): object {
  // The CommonJS util object is the one tfjs-node's compiled code reads (`require("util")`).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('util') as object;
}

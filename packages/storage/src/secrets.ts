import { inspect } from 'node:util';

/**
 * Makes `target` show as `redacted()` in JSON and in `util.inspect` (hence in pino logs and error
 * dumps), through non-enumerable hooks, and returns it. The one place configurations holding
 * credentials (the exchange's, a lake catalog's) are protected. A structured clone — what a worker
 * thread receives in `workerData` — loses the hooks: protect the clone again before it can be shown.
 */
export function hideSecrets<T extends object>(target: T, redacted: () => Record<string, unknown>): T {
  return Object.defineProperties(target, {
    toJSON: { value: redacted, enumerable: false },
    [inspect.custom]: {
      value: (_depth: number, options: object) => inspect(redacted(), options),
      enumerable: false,
    },
  });
}

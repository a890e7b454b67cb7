/**
 * The cost of signed internal messages: the p50 latency of a tiny query
 * (`select count(*) from tpch.tiny.nation`) with signing on against the same cluster with
 * `internal-communication.insecure=true`, side by side (bench/_signing-ratio.ts). Bar: ratio ≤ 1.1
 * (issue 12). Usage: npm run bench -- signing [--queries 40]
 */
import { measureSigningRatio, SIGNING_SQL } from './_signing-ratio.js';
import { option, round, table } from './_support.js';

const queries = Number(option('queries', '40'));
const BAR = 1.1;
const f = await measureSigningRatio(queries);

console.log(`\n${SIGNING_SQL}: ${queries} queries per cluster after 5 warm-up ones, taking turns\n`);
console.log(
  table(
    ['cluster', 'p50 (ms)', 'min (ms)', 'max (ms)'],
    f.names.map((name, k) => [
      name,
      round(f.p50[k]!, 1),
      round(Math.min(...f.times[k]!), 1),
      round(Math.max(...f.times[k]!), 1),
    ]),
  ),
);
console.log(
  `\nsigning on / off: ${round(f.ratio, 3)} (bar ${BAR}) → ${f.ratio <= BAR ? 'within the bar' : 'OVER THE BAR'}`,
);
console.log(
  JSON.stringify({
    bench: 'signing',
    queries,
    p50OnMs: round(f.p50[0]!, 1),
    p50OffMs: round(f.p50[1]!, 1),
    signingRatio: round(f.ratio, 3),
  }),
);

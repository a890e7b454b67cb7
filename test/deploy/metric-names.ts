import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { newRegistry } from '@quarry/runtime';

/**
 * The Prometheus series quarry exposes, from the code rather than a list kept by hand: every
 * `name: 'quarry_…'` a metric is declared with in packages/<pkg>/src, plus the default process and
 * Node.js metrics `newRegistry` collects (`quarry_process_resident_memory_bytes`, …). Histograms and
 * summaries also expose `_bucket`, `_sum` and `_count` series.
 */
let cached: string[] | undefined;

export async function metricNamesInCode(): Promise<string[]> {
  if (cached) return cached;
  const names = new Set<string>();
  for (const pkg of readdirSync('packages')) {
    const src = join('packages', pkg, 'src');
    let files: string[];
    try {
      files = readdirSync(src, { recursive: true }).map(String);
    } catch {
      continue;
    }
    for (const file of files.filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(src, file), 'utf8');
      for (const m of text.matchAll(/\bname:\s*'(quarry_[a-z0-9_]+)'/g)) names.add(m[1]!);
      // a histogram's series: its declaration names the class right before the options
      for (const m of text.matchAll(/new (?:Histogram|Summary)\(\{\s*name:\s*'(quarry_[a-z0-9_]+)'/g))
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${m[1]}${suffix}`);
    }
  }
  for (const metric of await newRegistry({}).getMetricsAsJSON()) {
    names.add(metric.name);
    if (['histogram', 'summary'].includes(String(metric.type)))
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return (cached = [...names].sort());
}

/**
 * The metric names a PromQL expression reads: identifiers starting `quarry_` that are not label
 * names (followed by `=`, `!=`, `=~`) — enough for the expressions in deploy/.
 */
export function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const names = new Set<string>();
  for (const m of withoutStrings.matchAll(/\b(quarry_[a-zA-Z0-9_:]+)\b(?!\s*(?:=|!=|=~|!~))/g))
    names.add(m[1]!);
  return [...names].sort();
}

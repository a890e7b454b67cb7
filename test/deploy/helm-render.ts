import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as renderGoTemplate } from '@evertdespiegeleer/go-template';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

/**
 * `helm template` without a helm binary: the chart's templates rendered by Go's own text/template
 * (compiled to WebAssembly), with the objects Helm passes (`.Values`, `.Release`, `.Chart`). This is
 * faithful because the chart keeps to what text/template has built in (no Sprig functions, no
 * `include`): Helm adds functions, not syntax. Missing keys are errors here (Helm would print
 * nothing), so every value the templates read must be declared in values.yaml.
 */
export interface RenderedObject {
  readonly template: string;
  readonly object: Record<string, unknown> & { kind: string; apiVersion: string };
}

type Values = Record<string, unknown>;

const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Helm's merge of a user's values over the chart's: maps merge key by key, anything else replaces,
 * and a null removes the chart's key.
 */
export function mergeValues(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key] as Values, value);
    else out[key] = value;
  }
  return out;
}

export function readYaml(path: string): Values {
  return (parseYaml(readFileSync(path, 'utf8')) ?? {}) as Values;
}

/** The text of every template with the helpers' definitions in front, as Helm shares them. */
async function renderFile(chartDir: string, file: string, data: Values): Promise<string> {
  const helpers = readFileSync(join(chartDir, 'templates', '_helpers.tpl'), 'utf8');
  const text = readFileSync(join(chartDir, 'templates', file), 'utf8');
  return renderGoTemplate(`${helpers}${text}`, data);
}

/** What `_helpers.tpl` prints on its own: only whitespace, if it holds nothing but definitions. */
export async function renderHelpersAlone(chartDir: string, data: Values): Promise<string> {
  return renderGoTemplate(readFileSync(join(chartDir, 'templates', '_helpers.tpl'), 'utf8'), data);
}

/** The data a template sees, as Helm builds it for `helm template RELEASE CHART -f FILE`. */
export function templateData(chartDir: string, release: string, valuesFiles: string[]): Values {
  const chart = readYaml(join(chartDir, 'Chart.yaml'));
  const values = valuesFiles.map(readYaml).reduce(mergeValues, readYaml(join(chartDir, 'values.yaml')));
  return {
    Values: values,
    Release: { Name: release, Namespace: 'default', Service: 'Helm', IsInstall: true, IsUpgrade: false },
    Chart: { Name: chart['name'], Version: chart['version'], AppVersion: chart['appVersion'] },
  };
}

/** Renders every manifest template and parses its YAML documents (empty ones, as Helm, dropped). */
export async function renderChart(
  chartDir: string,
  options: { release: string; valuesFiles?: string[] },
): Promise<{ objects: RenderedObject[]; texts: Record<string, string> }> {
  const data = templateData(chartDir, options.release, options.valuesFiles ?? []);
  const objects: RenderedObject[] = [];
  const texts: Record<string, string> = {};
  const files = readdirSync(join(chartDir, 'templates'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  for (const file of files) {
    const text = (texts[file] = await renderFile(chartDir, file, data));
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const object = doc.toJS() as RenderedObject['object'] | null;
      if (object !== null) objects.push({ template: file, object });
    }
  }
  return { objects, texts };
}

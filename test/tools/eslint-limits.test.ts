import { expect } from 'chai';
import { ESLint } from 'eslint';

// The size limits of eslint.config.js, on a planted file (linted as text, never written to the tree).
// They are errors (severity 2): every offender was refactored, none is exempted.
describe('ESLint size limits (eslint.config.js)', function () {
  this.timeout(60_000);

  async function rulesHit(filePath: string, text: string): Promise<string[]> {
    const [result] = await new ESLint().lintText(text, { filePath });
    return result!.messages.map((m) => `${m.ruleId}:${m.severity}`);
  }

  const body = (n: number) => Array.from({ length: n }, (_, i) => `  const _v${i} = ${i};`).join('\n');

  it('flags five positional parameters, an 81-line function and a 401-line file', async () => {
    const text =
      'export function five(a: number, b: number, c: number, d: number, e: number): number {\n' +
      '  return a + b + c + d + e;\n}\n' +
      `export function long(): void {\n${body(79)}\n}\n` +
      Array.from({ length: 317 }, (_, i) => `export const c${i} = ${i};`).join('\n') +
      '\n';
    const hits = await rulesHit('bench/_planted.ts', text);
    expect(hits).to.include('@typescript-eslint/max-params:2');
    expect(hits).to.include('max-lines-per-function:2');
    expect(hits).to.include('max-lines:2');
  });

  it('lets four parameters, an 80-line function and comments and blank lines pass', async () => {
    const text =
      'export function four(a: number, b: number, c: number, d: number): number {\n' +
      '  return a + b + c + d;\n}\n' +
      `export function long(): void {\n  // a comment\n\n${body(78)}\n}\n` +
      '// a comment\n\n'.repeat(400);
    expect(await rulesHit('bench/_planted.ts', text)).to.deep.equal([]);
  });
});

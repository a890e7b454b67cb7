/** Hostile input fails cleanly: deep nesting, very long chains, and mangled queries. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import {
  formatSql,
  MAX_NESTING,
  MAX_TREE_HEIGHT,
  parseExpression,
  parseStatement,
} from '../../src/parser/index.js';
import { errorOf } from './helpers.js';

const tooDeep = /too deeply nested/;

describe('parser: limits', () => {
  it('rejects 10 000 nested parentheses with a syntax error, not a stack overflow', () => {
    const sql = `SELECT ${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
    const error = errorOf(() => parseStatement(sql));
    expect(error.code).to.equal('SYNTAX_ERROR');
    expect(error.message).to.match(tooDeep);
    expect(error.location?.line).to.equal(1);
  });

  it('rejects deep nesting of every recursive construct', () => {
    const n = 5_000;
    const inputs = [
      `SELECT ${'- '.repeat(n)}1`,
      `SELECT ${'NOT '.repeat(n)}TRUE`,
      `SELECT ${'f('.repeat(n)}1${')'.repeat(n)}`,
      `SELECT ${'(SELECT '.repeat(n)}1${')'.repeat(n)}`,
      `SELECT * FROM ${'('.repeat(n)}t${')'.repeat(n)}`,
      `${'('.repeat(n)}SELECT 1${')'.repeat(n)}`,
      `SELECT * FROM t WHERE x IN ${'('.repeat(n)}SELECT 1${')'.repeat(n)}`,
      `SELECT ${'CASE WHEN '.repeat(n)}`,
      `${'EXPLAIN '.repeat(n)}SELECT 1`,
      `SELECT ${'position('.repeat(n)}`,
      `SELECT ${'a['.repeat(n)}`,
    ];
    for (const sql of inputs) {
      const error = errorOf(() => parseStatement(sql));
      expect(error.code, sql.slice(0, 40)).to.equal('SYNTAX_ERROR');
      expect(error.message, sql.slice(0, 40)).to.match(tooDeep);
    }
  });

  it('reports every nesting error as a USER_ERROR with line and column', () => {
    const n = 5_000;
    const inputs = [
      `SELECT 1\nFROM t WHERE ${'('.repeat(n)}1${')'.repeat(n)}`,
      Array.from({ length: n }, (_, i) => `SELECT ${i}`).join('\nUNION '),
      Array.from({ length: n }, (_, i) => `SELECT ${i}`).join(' INTERSECT '),
      Array.from({ length: n }, (_, i) => `SELECT ${i}`).join(' EXCEPT ALL '),
      `SELECT ${Array.from({ length: n }, () => '1').join(' || ')}`,
    ];
    for (const sql of inputs) {
      const error = errorOf(() => parseStatement(sql));
      expect(error.type, sql.slice(0, 40)).to.equal('USER_ERROR');
      expect(error.message, sql.slice(0, 40)).to.match(tooDeep);
      expect(error.location?.line, sql.slice(0, 40)).to.be.a('number');
      expect(error.location?.column, sql.slice(0, 40)).to.be.a('number');
      expect(error.message).to.match(/^line \d+:\d+: /);
    }
  });

  it(`accepts nesting up to the limit (${MAX_NESTING})`, () => {
    const depth = 60;
    const sql = `${'('.repeat(depth)}1${')'.repeat(depth)}`;
    expect(parseExpression(sql)).to.include({ kind: 'NumericLiteral' });
  });

  it('decides nested parentheses without backtracking', function () {
    this.timeout(2_000);
    const n = 50;
    const started = Date.now();
    parseStatement(`SELECT ${'((SELECT '.repeat(n)}1${') + 1)'.repeat(n)}`);
    parseStatement(`SELECT * FROM ${'((SELECT * FROM '.repeat(n)}t${') JOIN t ON TRUE)'.repeat(n)}`);
    parseStatement(`SELECT 1 GROUP BY ${'((SELECT 1 GROUP BY '.repeat(n)}a${') + 1)'.repeat(n)}`);
    expect(Date.now() - started).to.be.lessThan(1_000);
  });

  it('accepts long flat lists and chains, and prints them', () => {
    const list = Array.from({ length: 20_000 }, (_, i) => String(i)).join(', ');
    const inList = parseExpression(`x IN (${list})`);
    expect(inList.kind === 'InList' && inList.values.length).to.equal(20_000);
    const chain = Array.from({ length: 1_000 }, (_, i) => `a = ${i}`).join(' OR ');
    expect(formatSql(parseExpression(chain))).to.equal(chain);
  });

  it(`rejects a chain that makes the tree taller than ${MAX_TREE_HEIGHT}`, () => {
    const chain = Array.from({ length: MAX_TREE_HEIGHT + 10 }, () => '1').join(' + ');
    expect(errorOf(() => parseExpression(chain)).message).to.match(tooDeep);
  });

  it('never throws anything but QuarryError on truncated or mangled TPC-H queries', function () {
    this.timeout(10_000);
    const dir = new URL('../../../../testdata/tpch/queries/', import.meta.url);
    const queries = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'));
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const noise = [
      '(',
      ')',
      ',',
      "'",
      '"',
      '/*',
      '--',
      'select',
      'from',
      '.',
      '-',
      'not',
      'in',
      'case',
      '1e',
      '`',
      ';',
    ];
    let attempts = 0;
    for (const sql of queries) {
      const variants = [];
      for (let cut = 0; cut < sql.length; cut += 13) variants.push(sql.slice(0, cut));
      for (let k = 0; k < 40; k++) {
        const at = random(sql.length);
        variants.push(sql.slice(0, at) + (noise[random(noise.length)] ?? '') + sql.slice(at + random(8)));
      }
      for (const variant of variants) {
        attempts++;
        try {
          parseStatement(variant);
        } catch (e) {
          if (!(e instanceof QuarryError)) throw new Error(`not a QuarryError for: ${variant}\n${String(e)}`);
          expect(e.location, variant).to.not.equal(undefined);
        }
      }
    }
    expect(attempts).to.be.greaterThan(1_000);
  });
});

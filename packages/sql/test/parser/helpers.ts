/** Shared helpers for the parser tests. */
import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import {
  formatSql,
  parseExpression,
  parseStatement,
  type Expression,
  type Statement,
} from '../../src/parser/index.js';

/** A deep copy of a syntax tree without `loc`, for comparing trees parsed from different text. */
export function stripLocations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripLocations);
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (key !== 'loc') copy[key] = stripLocations(value);
  return copy;
}

/** Parses, prints, parses again, and checks both trees are the same; returns the printed text. */
export function roundTripStatement(sql: string): string {
  const first: Statement = parseStatement(sql);
  const printed = formatSql(first);
  let second: Statement;
  try {
    second = parseStatement(printed);
  } catch (e) {
    throw new Error(`printed SQL does not parse: ${printed}\n${String(e)}`);
  }
  expect(stripLocations(second), `printed as: ${printed}`).to.deep.equal(stripLocations(first));
  // Printing is stable: the printed text prints as itself.
  expect(formatSql(second)).to.equal(printed);
  return printed;
}

export function roundTripExpression(sql: string): string {
  const first: Expression = parseExpression(sql);
  const printed = formatSql(first);
  const second = parseExpression(printed);
  expect(stripLocations(second), `printed as: ${printed}`).to.deep.equal(stripLocations(first));
  return printed;
}

/** The error `parse` throws; fails the test if it throws nothing or not a QuarryError. */
export function errorOf(parse: () => unknown): QuarryError {
  try {
    parse();
  } catch (e) {
    expect(e).to.be.instanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error('expected a QuarryError, but parsing succeeded');
}

/** The expression of the first select item of `SELECT <expr>`. */
export function expressionOf(sql: string): Expression {
  return parseExpression(sql);
}

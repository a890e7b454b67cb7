import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { BIGINT, VARCHAR, pageFromRows, pageRows, type Page, type Split } from '@quarry/sql';
import { MAX_CHUNK_BYTES, MemoryConnector, type MemorySplitInfo } from '../../src/index.js';
import { ALL_TYPES, ALL_TYPES_ROWS, allTypesPage, canonical } from '../lake/fixtures.js';
import { collect, scan, sorted, writeAttempt } from '../lake/support.js';

const COLUMNS = [
  { name: 'k', type: BIGINT },
  { name: 'text', type: VARCHAR },
];
const rowsPage = (from: number, n: number, width = 10): Page =>
  pageFromRows(
    COLUMNS.map((c) => c.type),
    Array.from({ length: n }, (_, i) => [from + i, `${from + i}`.padEnd(width, '.')]),
  );

describe('memory connector', () => {
  let memory: MemoryConnector;
  /** A worker's own instance: empty, used only for sinks and page sources. */
  let worker: MemoryConnector;
  const ref = { catalog: 'memory', schema: 'default', table: 't' };

  beforeEach(() => {
    memory = new MemoryConnector('memory', { maxDataPerNode: 64 << 20 });
    worker = new MemoryConnector('memory', { maxDataPerNode: 64 << 20 });
  });

  /** Splits cross processes as plain data: round-trip them through JSON to be sure. */
  const overTheWire = (splits: readonly Split[]) => JSON.parse(JSON.stringify(splits)) as Split[];

  it('writes (CTAS, INSERT), commits on the coordinator, and reads on a worker, every type with NULLs', async () => {
    const handle = await memory.beginWrite(ref, { kind: 'create', columns: ALL_TYPES, queryId: 'q1' });
    const wire = JSON.parse(JSON.stringify({ handle })).handle; // handles are plain data too
    const f0 = await writeAttempt(worker, wire, { taskPartition: 0, attempt: 0 }, [allTypesPage()]);
    const f1 = await writeAttempt(worker, wire, { taskPartition: 1, attempt: 0 }, [allTypesPage()]);
    expect(await memory.getTable('default', 't')).to.equal(undefined);
    expect(await memory.commitWrite(handle, JSON.parse(JSON.stringify([f0, f1])))).to.deep.equal({
      rows: 14,
    });
    expect((await memory.getTable('default', 't'))?.rowCount).to.equal(14);

    const rows: unknown[][] = [];
    for (const split of overTheWire(await memory.splits(ref, { targetSplits: 4 }))) {
      for (const p of await collect(
        worker.pageSource(
          ref,
          split,
          ALL_TYPES.map((c) => c.name),
        ),
      ))
        rows.push(...pageRows(p));
    }
    expect(sorted(canonical(rows))).to.deep.equal(sorted(canonical([...ALL_TYPES_ROWS, ...ALL_TYPES_ROWS])));

    const insert = await memory.beginWrite(ref, { kind: 'insert', columns: ALL_TYPES, queryId: 'q2' });
    const f2 = await writeAttempt(worker, insert, { taskPartition: 0, attempt: 0 }, [allTypesPage()]);
    expect(await memory.commitWrite(insert, [f2])).to.deep.equal({ rows: 7 });
    expect((await scan(memory, ref, ['i', 'v'])).length).to.equal(21);
  });

  it('a repeated commit of the same query changes nothing', async () => {
    await memory.createTable(ref, COLUMNS, { ifNotExists: false, properties: {} });
    const handle = await memory.beginWrite(ref, { kind: 'insert', columns: COLUMNS, queryId: 'q' });
    const f = await writeAttempt(worker, handle, { taskPartition: 0, attempt: 0 }, [rowsPage(0, 100)]);
    expect(await memory.commitWrite(handle, [f])).to.deep.equal({ rows: 100 });
    expect(await memory.commitWrite(handle, [f, f])).to.deep.equal({ rows: 100 });
    expect((await scan(memory, ref)).length).to.equal(100);
  });

  it('keeps every split (and every chunk) under ~512 kB, cutting large pages', async () => {
    await memory.createTable(ref, COLUMNS, { ifNotExists: false, properties: {} });
    const handle = await memory.beginWrite(ref, { kind: 'insert', columns: COLUMNS, queryId: 'big' });
    // one page of ~6 MB serialized
    const f = await writeAttempt(worker, handle, { taskPartition: 0, attempt: 0 }, [rowsPage(0, 60_000, 90)]);
    await memory.commitWrite(handle, [f]);
    const splits = await memory.splits(ref, { targetSplits: 1 });
    expect(splits.length).to.be.greaterThan(10);
    for (const s of splits) expect(JSON.stringify(s).length).to.be.lessThan(MAX_CHUNK_BYTES + 4096);
    const keys = (await scan(memory, ref, ['k'])).map((r) => r[0] as number).sort((a, b) => a - b);
    expect(keys).to.deep.equal(Array.from({ length: 60_000 }, (_, i) => i));
    expect((splits[0]!.info as MemorySplitInfo).chunks.length).to.be.greaterThan(0);
  });

  it('schemas and tables: default exists, RESTRICT against CASCADE, exists checks, the memory limit', async () => {
    expect(await memory.listSchemas()).to.deep.equal(['default']);
    await memory.createSchema('s', { ifNotExists: false, properties: {} });
    await memory.createTable({ ...ref, schema: 's' }, COLUMNS, { ifNotExists: false, properties: {} });
    const err = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return e as QuarryError;
      }
      throw new Error('expected a rejection');
    };
    expect((await err(memory.dropSchema('s', { ifExists: false, cascade: false }))).message).to.equal(
      "Cannot drop non-empty schema 'memory.s'",
    );
    expect(
      (
        await err(
          memory.createTable({ ...ref, schema: 's' }, COLUMNS, { ifNotExists: false, properties: {} }),
        )
      ).message,
    ).to.equal("Table 'memory.s.t' already exists");
    await memory.dropSchema('s', { ifExists: false, cascade: true });
    expect(await memory.listSchemas()).to.deep.equal(['default']);

    const small = new MemoryConnector('memory', { maxDataPerNode: 10_000 });
    const h = await small.beginWrite(ref, { kind: 'create', columns: COLUMNS, queryId: 'q' });
    const f = await writeAttempt(worker, h, { taskPartition: 0, attempt: 0 }, [rowsPage(0, 5000)]);
    const limit = await err(small.commitWrite(h, [f]));
    expect(limit.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
    expect(await small.getTable('default', 't')).to.equal(undefined);
  });

  it('does not support fault-tolerant writes (the planner refuses them under retry policy TASK)', () => {
    expect(memory.supportsFaultTolerantWrites).to.equal(false);
  });
});

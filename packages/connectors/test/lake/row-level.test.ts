import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import {
  FILE_COLUMN,
  INTEGER,
  pageFromRows,
  pageRows,
  ROW_COLUMN,
  ROW_OP,
  VARCHAR,
  type Page,
  type RowLevelWrite,
  type TableRef,
  type WriteFragment,
  type WriteHandle,
} from '@quarry/sql';
import type { LakeConnector } from '../../src/index.js';
import { NUMBERS, numbersPage } from './fixtures.js';
import {
  collect,
  createTableAs,
  lakeConnector,
  localLakeBackend,
  scan,
  storageOf,
  writeAttempt,
  type LakeBackend,
} from './support.js';

/** What a row-level write does to one row `[id, name, amount]`: its `$op` and new values. */
type Decide = (row: readonly unknown[]) => { op: number; row?: readonly unknown[] };

async function rejects(p: Promise<unknown>): Promise<QuarryError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error('expected a rejection');
}

/**
 * Row-level writes at the connector (issue 15): copy-on-write of the files a DELETE/UPDATE/MERGE
 * touches, the commit's optimistic check of the files read (a conflicting writer gets
 * TRANSACTION_CONFLICT, an INSERT meanwhile does not conflict), idempotent commits, losing attempts
 * removed, and MERGE's check of a target row matched twice.
 */
describe('lake row-level writes (copy-on-write)', function () {
  this.timeout(20_000);
  let backend: LakeBackend;
  let lake: LakeConnector;
  let n = 0;
  const ref: TableRef = { catalog: 'lake', schema: 's', table: 't' };
  const ids = async () => (await scan(lake, ref, ['id'])).map((r) => r[0] as number).sort((a, b) => a - b);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const versions = async () => {
    const out: string[] = [];
    for await (const f of storageOf(lake).list(lake.config.root))
      if (f.uri.endsWith('.metadata.json')) out.push(f.uri);
    return out.sort();
  };

  /** The table's rows of each whole-file split, as a row-level write's pages: `[$file, $row, $op, …]`. */
  async function rewritePages(handle: WriteHandle, decide: Decide): Promise<Page[]> {
    const names = [...NUMBERS.map((c) => c.name), FILE_COLUMN, ROW_COLUMN];
    const types = [VARCHAR, INTEGER, INTEGER, ...NUMBERS.map((c) => c.type)];
    const pages: Page[] = [];
    for (const split of await lake.splits(ref, { targetSplits: 4, rowLevelWrite: handle })) {
      for (const page of await collect(lake.pageSource(ref, split, names))) {
        const rows = pageRows(page).map((r) => {
          const d = decide(r.slice(0, 3));
          return [r[3], r[4], d.op, ...(d.row ?? r.slice(0, 3))];
        });
        pages.push(pageFromRows(types, rows));
      }
    }
    return pages;
  }

  async function begin(kind: RowLevelWrite, queryId: string): Promise<WriteHandle> {
    return lake.beginWrite(ref, { kind, columns: NUMBERS, queryId });
  }

  /** One task attempt per page (each page is one file's rows here: files are smaller than a page). */
  async function rewrite(handle: WriteHandle, decide: Decide): Promise<WriteFragment[]> {
    const pages = await rewritePages(handle, decide);
    return Promise.all(
      pages.map((p, taskPartition) => writeAttempt(lake, handle, { taskPartition, attempt: 0 }, [p])),
    );
  }

  const deleteWhere =
    (pred: (id: number) => boolean): Decide =>
    (r) => ({
      op: pred(r[0] as number) ? ROW_OP.delete : ROW_OP.keep,
    });

  before(() => {
    backend = localLakeBackend();
  });
  beforeEach(async () => {
    lake = lakeConnector(backend);
    n++;
    await lake.createSchema('s', { ifNotExists: false, properties: {} });
    // three files: ids 0–99, 100–199, 200–299
    await createTableAs(lake, {
      ref,
      columns: NUMBERS,
      partitions: [[numbersPage(0, 100)], [numbersPage(100, 100)], [numbersPage(200, 100)]],
    });
  });
  afterEach(async () => lake.close());
  after(async () => backend.close());

  it('DELETE rewrites only the touched files, without the deleted rows', async () => {
    const before = (await lake.splits(ref, { targetSplits: 4 })).length;
    const handle = await begin('delete', `d${n}`);
    const fragments = await rewrite(
      handle,
      deleteWhere((id) => id >= 100 && id < 200 && id % 3 === 0),
    );
    expect(fragments.map((f) => f.rows)).to.deep.equal([0, 33, 0]);
    expect(await lake.commitWrite(handle, fragments)).to.deep.equal({ rows: 33 });
    expect(await ids()).to.deep.equal(range(0, 300).filter((id) => !(id >= 100 && id < 200 && id % 3 === 0)));
    expect((await lake.splits(ref, { targetSplits: 4 })).length).to.equal(before);
    expect((await lake.getTable('s', 't'))?.rowCount).to.equal(267);
  });

  it('UPDATE writes the new values; a file whose rows all go disappears', async () => {
    const update = await begin('update', `u${n}`);
    const touched = await rewrite(update, (r) =>
      (r[0] as number) < 50 ? { op: ROW_OP.update, row: [r[0], 'new', r[2]] } : { op: ROW_OP.keep },
    );
    expect(await lake.commitWrite(update, touched)).to.deep.equal({ rows: 50 });
    const rows = await scan(lake, ref, ['id', 'name']);
    expect(rows.filter((r) => r[1] === 'new').map((r) => r[0])).to.have.members(range(0, 50));
    expect(rows.length).to.equal(300);
    const del = await begin('delete', `d${n}`);
    expect(
      await lake.commitWrite(
        del,
        await rewrite(
          del,
          deleteWhere((id) => id >= 200),
        ),
      ),
    ).to.deep.equal({ rows: 100 });
    expect(await ids()).to.deep.equal(range(0, 200));
  });

  it('a repeated commit changes nothing; a losing attempt’s files are removed', async () => {
    const handle = await begin('delete', `d${n}`);
    const pages = await rewritePages(
      handle,
      deleteWhere((id) => id % 2 === 0),
    );
    const loser = await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0 }, [pages[0]!]);
    const winners = await Promise.all(
      pages.map((p, i) => writeAttempt(lake, handle, { taskPartition: i, attempt: 1 }, [p])),
    );
    expect(await lake.commitWrite(handle, winners)).to.deep.equal({ rows: 150 });
    const after = await versions();
    expect(await lake.commitWrite(handle, winners)).to.deep.equal({ rows: 150 });
    expect(await lake.commitWrite(handle, [...winners, ...winners])).to.deep.equal({ rows: 150 });
    expect(await versions()).to.deep.equal(after);
    expect(await ids()).to.deep.equal(range(0, 300).filter((id) => id % 2 === 1));
    const loserDir = (loser.info as { attemptDir: string }).attemptDir;
    const left: string[] = [];
    for await (const f of storageOf(lake).list(lake.config.root))
      if (f.uri.includes(loserDir)) left.push(f.uri);
    expect(left).to.deep.equal([]);
  });

  it('a conflicting write fails with TRANSACTION_CONFLICT and changes nothing; an INSERT meanwhile does not conflict', async () => {
    const first = await begin('delete', `a${n}`);
    const second = await begin('update', `b${n}`);
    const firstFragments = await rewrite(
      first,
      deleteWhere((id) => id < 10),
    );
    const secondFragments = await rewrite(second, (r) =>
      (r[0] as number) < 20 ? { op: ROW_OP.update, row: [r[0], 'lost?', r[2]] } : { op: ROW_OP.keep },
    );
    expect(await lake.commitWrite(first, firstFragments)).to.deep.equal({ rows: 10 });
    const e = await rejects(lake.commitWrite(second, secondFragments));
    expect(e.code).to.equal('TRANSACTION_CONFLICT');
    expect(e.type).to.equal('EXTERNAL');
    expect(e.message).to.match(
      /^Table 'lake\.s\.t' was changed by another write since this statement read it/,
    );
    expect((await scan(lake, ref, ['name'])).filter((r) => r[0] === 'lost?')).to.deep.equal([]);
    expect(await ids()).to.deep.equal(range(10, 300));

    // a DELETE begun before an INSERT commits after it: both land
    const del = await begin('delete', `c${n}`);
    const delFragments = await rewrite(
      del,
      deleteWhere((id) => id >= 290),
    );
    const insert = await lake.beginWrite(ref, { kind: 'insert', columns: NUMBERS, queryId: `i${n}` });
    const inserted = await writeAttempt(lake, insert, { taskPartition: 0, attempt: 0 }, [
      numbersPage(1000, 5),
    ]);
    expect(await lake.commitWrite(insert, [inserted])).to.deep.equal({ rows: 5 });
    expect(await lake.commitWrite(del, delFragments)).to.deep.equal({ rows: 10 });
    expect(await ids()).to.deep.equal([...range(10, 290), ...range(1000, 1005)]);
  });

  it('interleaved files (a partitioned input) are rewritten whole', async () => {
    const handle = await begin('delete', `d${n}`);
    const pages = await rewritePages(
      handle,
      deleteWhere((id) => id % 100 === 7),
    );
    // one task gets every file's rows, in slices that alternate between files
    const slices = pages.flatMap((p) => [0, 50].map((at) => ({ page: p, at })));
    slices.sort((a, b) => a.at - b.at);
    const sink = lake.writeSink(
      handle,
      { taskPartition: 0, attempt: 0, queryAttempt: 0 },
      { contiguous: false },
    );
    for (const { page, at } of slices) {
      const rows = pageRows(page).slice(at, at + 50);
      await sink.appendPage(
        pageFromRows(
          page.blocks.map((b) => b.type),
          rows,
        ),
      );
    }
    const fragment = await sink.finish();
    expect(await lake.commitWrite(handle, [fragment])).to.deep.equal({ rows: 3 });
    expect(await ids()).to.deep.equal(range(0, 300).filter((id) => id % 100 !== 7));
  });

  it('MERGE: a target row matched twice is an error when changed, written once when not; inserts need no file', async () => {
    const handle = await begin('merge', `m${n}`);
    const types = [VARCHAR, INTEGER, INTEGER, ...NUMBERS.map((c) => c.type)];
    const [page] = await rewritePages(handle, () => ({ op: ROW_OP.keep }));
    const row = pageRows(page!)[5]!;
    const twice = lake.writeSink(
      handle,
      { taskPartition: 0, attempt: 0, queryAttempt: 0 },
      { contiguous: false },
    );
    const updated = [row[0], row[1], ROW_OP.update, row[3], 'x', row[5]];
    const e = await rejects(twice.appendPage(pageFromRows(types, [row, updated])));
    expect([e.code, e.message]).to.deep.equal([
      'MERGE_TARGET_ROW_MULTIPLE_MATCHES',
      'One MERGE target table row matched more than one source row',
    ]);
    await twice.abort();

    const sink = lake.writeSink(
      handle,
      { taskPartition: 0, attempt: 1, queryAttempt: 0 },
      { contiguous: false },
    );
    // the row again, unchanged (matched twice, no clause applied): written once, the file left alone
    await sink.appendPage(pageFromRows(types, [...pageRows(page!), row]));
    await sink.appendPage(
      pageFromRows(types, [
        [null, null, ROW_OP.insert, 5000, 'new', 1],
        [null, null, ROW_OP.skip, 6000, 'no', 1],
      ]),
    );
    const fragment = await sink.finish();
    expect(fragment.rows).to.equal(1);
    expect(await lake.commitWrite(handle, [fragment])).to.deep.equal({ rows: 1 });
    expect(await ids()).to.deep.equal([...range(0, 300), 5000]);
  });
});

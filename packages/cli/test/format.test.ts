import { expect } from 'chai';
import { formatRows } from '../src/format.js';

const columns = [
  { name: 'flag', type: 'char(1)' },
  { name: 'n', type: 'bigint' },
  { name: 'note', type: 'varchar' },
];
const rows = [
  ['A', 14876, 'x, "quoted"'],
  ['N', 348, null],
];

describe('result formats', () => {
  it("prints arrays, maps and rows as Trino's CLI does", () => {
    const cols = [
      { name: 'a', type: 'array(integer)' },
      { name: 'm', type: 'map(varchar, bigint)' },
    ];
    expect(formatRows('CSV', cols, [[[1, null, [2]], { k: 1, l: null }]])).to.equal(
      '"[1, null, [2]]","{k=1, l=null}"',
    );
  });

  it('aligns a table, numbers to the right, NULL shown', () => {
    expect(formatRows('table', columns, rows)).to.equal(
      [
        ' flag | n     | note       ',
        '------+-------+-------------',
        ' A    | 14876 | x, "quoted"',
        ' N    |   348 | NULL       ',
        '(2 rows)',
      ].join('\n'),
    );
  });

  it('shows a value with line breaks (a plan) on several lines, the column as wide as its longest line', () => {
    const plan = [{ name: 'Query Plan', type: 'varchar' }];
    expect(formatRows('table', plan, [['Stage 0 [single]\n  - Values => [x:integer]']])).to.equal(
      [
        ' Query Plan               ',
        '---------------------------',
        ' Stage 0 [single]         ',
        '   - Values => [x:integer]',
        '(1 row)',
      ].join('\n'),
    );
    expect(
      formatRows(
        'table',
        [
          { name: 'k', type: 'integer' },
          { name: 'text', type: 'varchar' },
        ],
        [
          [1, 'a\nbb'],
          [22, 'c'],
        ],
      ),
    ).to.equal(
      [' k  | text', '----+------', '  1 | a   ', '    | bb  ', ' 22 | c   ', '(2 rows)'].join('\n'),
    );
  });

  it('writes CSV with quoting and empty NULLs, JSON and NDJSON as objects', () => {
    expect(formatRows('csv', columns, rows)).to.equal('flag,n,note\nA,14876,"x, ""quoted"""\nN,348,');
    expect(JSON.parse(formatRows('json', columns, rows))).to.deep.equal([
      { flag: 'A', n: 14876, note: 'x, "quoted"' },
      { flag: 'N', n: 348, note: null },
    ]);
    expect(
      formatRows('ndjson', columns, rows)
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).to.have.length(2);
  });

  it("writes Trino CLI's formats by their names: quoted CSV, TSV with escapes, JSON a line per row, NULL nothing", () => {
    expect(formatRows('CSV', columns, rows)).to.equal('"A","14876","x, ""quoted"""\n"N","348",');
    expect(formatRows('CSV_HEADER', columns, rows).split('\n')[0]).to.equal('"flag","n","note"');
    expect(formatRows('CSV_UNQUOTED', columns, rows)).to.equal('A,14876,"x, ""quoted"""\nN,348,');
    expect(formatRows('CSV_HEADER_UNQUOTED', columns, rows)).to.equal(formatRows('csv', columns, rows));
    const tabbed = [['a\tb', 1, 'line\nbreak \\ slash']];
    expect(formatRows('TSV', columns, tabbed)).to.equal('a\\tb\t1\tline\\nbreak \\\\ slash');
    expect(formatRows('TSV_HEADER', columns, rows)).to.equal(
      'flag\tn\tnote\nA\t14876\tx, "quoted"\nN\t348\t',
    );
    expect(
      formatRows('JSON', columns, rows)
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).to.deep.equal([
      { flag: 'A', n: 14876, note: 'x, "quoted"' },
      { flag: 'N', n: 348, note: null },
    ]);
    expect(formatRows('ALIGNED', columns, rows)).to.equal(formatRows('table', columns, rows));
    expect(formatRows('NULL', columns, rows)).to.equal('');
  });
});

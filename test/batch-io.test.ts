/**
 * Batch output I/O: the streaming atomic sinks (CSV, JSONL, Parquet), reading
 * metadata back, opening outputs for SQL, and merging shards.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchOutputError, BatchUsageError, designForRuns, mergeOutputs, openBatch, openSink, PARQUET_META_KEY, readBatchMeta } from '@wargame/batch';
import { writeFileAtomic } from '@wargame/batch/atomic';
import type { BatchMeta, Column, OutputFormat, Row, RowSink } from '@wargame/batch';

const root = mkdtempSync(join(tmpdir(), 'wargame-batch-io-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** A fresh directory per test, so listings show exactly what a test left. */
const freshDir = () => mkdtempSync(join(root, 't-'));
/** Messages with the temporary directory replaced, for inline snapshots. */
const clean = (message: string, dir: string) => message.replaceAll(dir, '<dir>');

const FORMATS: OutputFormat[] = ['csv', 'jsonl', 'parquet'];

const columns: Column[] = [
  { name: 'run', type: 'INTEGER', role: 'run', label: 'global run index' },
  { name: 'cell', type: 'INTEGER', role: 'run' },
  { name: 'rep', type: 'INTEGER', role: 'run' },
  { name: 'seed', type: 'VARCHAR', role: 'run' },
  { name: 'turns', type: 'INTEGER', role: 'run' },
  { name: 'param_pressure', type: 'DOUBLE', role: 'parameter', source: 'pressure', label: 'Pressure' },
  { name: 'outcome_war', type: 'BOOLEAN', role: 'outcome', source: 'war', kind: 'boolean' },
  { name: 'outcome_end', type: 'VARCHAR', role: 'outcome', source: 'end', kind: 'category', values: ['peace', 'war, total', 'the "deal"', ''] },
  { name: 'outcome_score', type: 'DOUBLE', role: 'outcome', source: 'score', kind: 'number' },
  { name: 'turn_war', type: 'INTEGER', role: 'turn', source: 'war', nullable: true },
  { name: 'final_gdp', type: 'DOUBLE', role: 'indicator', source: 'gdp' },
];

const CELLS = 2;
const RUNS_PER_CELL = 50;
const TOTAL = CELLS * RUNS_PER_CELL;
const SPECIAL = [0.1, 1e-7, 1e21, 5e-324, 1.7976931348623157e308, -2.5, 0.30000000000000004, 123456789.125, NaN, Infinity, -Infinity];
const ENDS = ['peace', 'war, total', 'the "deal"', '', 'line\nbreak', 'café – 東京'];

/** A deterministic row exercising every awkward value: doubles that must round-trip, nulls, quotes, commas, newlines, unicode. */
function rowFor(run: number): Row {
  const cell = Math.floor(run / RUNS_PER_CELL);
  const war = run % 3 === 0;
  return [
    run,
    cell,
    run % RUNS_PER_CELL,
    `S.${run % RUNS_PER_CELL}`,
    10 + (run % 7),
    cell === 0 ? 20 : 80,
    war,
    ENDS[run % ENDS.length]!,
    SPECIAL[run % SPECIAL.length]!,
    war ? run % 5 : null,
    run / 7,
  ];
}
const rowsFor = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => rowFor(from + i));
const asObject = (row: Row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]]));

function metaFor(over: { from?: number; to?: number; k?: number; n?: number; completed?: number; seed?: string } = {}): BatchMeta {
  const k = over.k ?? 1;
  const n = over.n ?? 1;
  const from = over.from ?? 0;
  const to = over.to ?? TOTAL;
  return {
    format: 'wargame-batch',
    version: 1,
    scenario: { id: 'caucasus', hash: 'sha256:abc123', title: `The "Caucasus" — l'été` },
    seed: over.seed ?? 'S',
    runsPerCell: RUNS_PER_CELL,
    // As the batch command records it: only the cells the file's runs play.
    design: designForRuns(
      {
        kind: 'grid',
        fixed: { budget: 3 },
        sweep: [{ parameter: 'pressure', values: [20, 80] }],
        cells: [
          { cell: 0, params: { budget: 3, pressure: 20 } },
          { cell: 1, params: { budget: 3, pressure: 80 } },
        ],
      },
      from,
      to,
      RUNS_PER_CELL,
    ),
    total: TOTAL,
    shard: { k, n, from, to },
    completed: over.completed ?? to - from,
    columns,
    command: `wargame batch caucasus.yaml --runs ${RUNS_PER_CELL} --seed ${over.seed ?? 'S'} --sweep pressure=20,80${n > 1 ? ` --shard ${k}/${n}` : ''} --out x`,
    engine: { version: '0.4.0' },
  };
}

/** Writes rows in batches of 7 (so batch boundaries fall anywhere) and commits. */
async function writeOutput(path: string, format: OutputFormat, rows: Row[], meta: BatchMeta, resume?: string): Promise<RowSink> {
  const sink = await openSink({ path, format, columns, ...(resume ? { resume: { path: resume } } : {}) });
  for (let i = 0; i < rows.length; i += 7) await sink.write(rows.slice(i, i + 7));
  await sink.commit(meta);
  return sink;
}

async function readRows(paths: string | string[]): Promise<{ meta: BatchMeta; rows: Record<string, unknown>[] }> {
  const opened = await openBatch(paths);
  if (!opened.ok) throw new Error(opened.message);
  try {
    return { meta: opened.table.meta, rows: await opened.table.all(`SELECT * FROM ${opened.table.from}`) };
  } finally {
    opened.table.close();
  }
}

const bytes = (path: string) => readFileSync(path);

describe('batch output sinks', () => {
  it.each(FORMATS)('%s: rows and metadata round-trip exactly (doubles, nulls, booleans, categories)', async (format) => {
    const dir = freshDir();
    const path = join(dir, `out.${format}`);
    const rows = rowsFor(0, TOTAL);
    const sink = await writeOutput(path, format, rows, metaFor());
    expect(sink.written).toBe(TOTAL);
    const read = await readRows(path);
    expect(read.rows).toEqual(rows.map(asObject));
    expect(read.meta).toEqual(metaFor());
    const meta = await readBatchMeta(path);
    expect(meta).toEqual({ ok: true, meta: metaFor(), format });
    // Only the output (and its sidecar) remain: no temporaries.
    expect(readdirSync(dir).sort()).toEqual(format === 'parquet' ? ['out.parquet'] : [`out.${format}`, `out.${format}.meta.json`]);
  });

  it('CSV: header, every text field quoted, empty field for null, "" for the empty string, shortest numbers', async () => {
    const dir = freshDir();
    const path = join(dir, 'out.csv');
    await writeOutput(path, 'csv', rowsFor(0, 6), metaFor({ to: TOTAL, completed: 6 }));
    expect(readFileSync(path, 'utf8')).toMatchInlineSnapshot(`
      "run,cell,rep,seed,turns,param_pressure,outcome_war,outcome_end,outcome_score,turn_war,final_gdp
      0,0,0,"S.0",10,20,true,"peace",0.1,0,0
      1,0,1,"S.1",11,20,false,"war, total",1e-7,,0.14285714285714285
      2,0,2,"S.2",12,20,false,"the ""deal""",1e+21,,0.2857142857142857
      3,0,3,"S.3",13,20,true,"",5e-324,3,0.42857142857142855
      4,0,4,"S.4",14,20,false,"line
      break",1.7976931348623157e+308,,0.5714285714285714
      5,0,5,"S.5",15,20,false,"café – 東京",-2.5,,0.7142857142857143
      "
    `);
  });

  it('JSONL: one object per line, keys in column order; NaN and infinities as strings', async () => {
    const dir = freshDir();
    const path = join(dir, 'out.jsonl');
    const rows = [rowFor(4), rowFor(8), rowFor(9)].map((r, run) => [run, ...r.slice(1)]);
    await writeOutput(path, 'jsonl', rows, metaFor({ completed: 3 }));
    expect(readFileSync(path, 'utf8')).toMatchInlineSnapshot(`
      "{"run":0,"cell":0,"rep":4,"seed":"S.4","turns":14,"param_pressure":20,"outcome_war":false,"outcome_end":"line\\nbreak","outcome_score":1.7976931348623157e+308,"turn_war":null,"final_gdp":0.5714285714285714}
      {"run":1,"cell":0,"rep":8,"seed":"S.8","turns":11,"param_pressure":20,"outcome_war":false,"outcome_end":"the \\"deal\\"","outcome_score":"NaN","turn_war":null,"final_gdp":1.1428571428571428}
      {"run":2,"cell":0,"rep":9,"seed":"S.9","turns":12,"param_pressure":20,"outcome_war":true,"outcome_end":"","outcome_score":"Infinity","turn_war":4,"final_gdp":1.2857142857142858}
      "
    `);
  });

  it('Parquet: the metadata is in the key-value metadata as JSON, quotes and unicode intact', async () => {
    const dir = freshDir();
    const path = join(dir, 'out.parquet');
    await writeOutput(path, 'parquet', rowsFor(0, TOTAL), metaFor());
    const opened = await openBatch(path);
    if (!opened.ok) throw new Error(opened.message);
    try {
      const [kv] = await opened.table.all(`SELECT key, value FROM parquet_kv_metadata('${path}')`);
      expect(Buffer.from(kv!['key'] as Uint8Array).toString('utf8')).toBe(PARQUET_META_KEY);
      expect(JSON.parse(Buffer.from(kv!['value'] as Uint8Array).toString('utf8'))).toEqual(metaFor());
      const types = await opened.table.all(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`);
      expect(types.map((t) => `${t['column_name']} ${t['column_type']}`)).toEqual(columns.map((c) => `${c.name} ${c.type}`));
    } finally {
      opened.table.close();
    }
  });

  it.each(FORMATS)('%s: the same rows and metadata give the same bytes', async (format) => {
    const dir = freshDir();
    const [a, b] = [join(dir, `a.${format}`), join(dir, `b.${format}`)];
    await writeOutput(a, format, rowsFor(0, TOTAL), metaFor());
    await writeOutput(b, format, rowsFor(0, TOTAL), metaFor());
    expect(bytes(a).equals(bytes(b))).toBe(true);
    if (format !== 'parquet') expect(bytes(`${a}.meta.json`).equals(bytes(`${b}.meta.json`))).toBe(true);
  });

  it.each(FORMATS)('%s: nothing reaches the target before commit; abort leaves no target and no temporaries', async (format) => {
    const dir = freshDir();
    const path = join(dir, `out.${format}`);
    const sink = await openSink({ path, format, columns });
    await sink.write(rowsFor(0, 30));
    expect(existsSync(path)).toBe(false);
    await sink.abort();
    await sink.abort(); // idempotent
    expect(readdirSync(dir)).toEqual([]);
    expect(() => sink.write(rowsFor(30, 31))).toThrow(new BatchUsageError(`write: the sink for ${path} is already aborted`, 'sink-closed'));
  });

  it.each(FORMATS)('%s: an abort leaves a previous output untouched', async (format) => {
    const dir = freshDir();
    const path = join(dir, `out.${format}`);
    await writeOutput(path, format, rowsFor(0, 40), metaFor({ completed: 40 }));
    const before = readdirSync(dir).map((name) => [name, bytes(join(dir, name))] as const);
    const sink = await openSink({ path, format, columns });
    await sink.write(rowsFor(0, TOTAL));
    await sink.abort();
    expect(readdirSync(dir).map((name) => [name, bytes(join(dir, name))] as const)).toEqual(before);
  });

  it.each(FORMATS)('%s: resume keeps the old rows first and gives the bytes of an uninterrupted write', async (format) => {
    const dir = freshDir();
    const path = join(dir, `out.${format}`);
    const whole = join(dir, `whole.${format}`);
    await writeOutput(whole, format, rowsFor(0, TOTAL), metaFor());
    await writeOutput(path, format, rowsFor(0, 60), metaFor({ completed: 60 }));
    const old = bytes(path);

    const sink = await openSink({ path, format, columns, resume: { path } });
    expect({ resumed: sink.resumed, written: sink.written }).toEqual({ resumed: 60, written: 60 });
    await sink.write(rowsFor(60, 80));
    expect(bytes(path).equals(old)).toBe(true); // untouched until commit
    await sink.write(rowsFor(80, TOTAL));
    await sink.commit(metaFor());

    expect(bytes(path).equals(bytes(whole))).toBe(true);
    if (format !== 'parquet') expect(readFileSync(`${path}.meta.json`, 'utf8')).toBe(readFileSync(`${whole}.meta.json`, 'utf8'));
    expect((await readRows(path)).rows).toEqual(rowsFor(0, TOTAL).map(asObject));
  });

  it('resume refuses a file of another format or with other columns', async () => {
    const dir = freshDir();
    const csv = join(dir, 'old.csv');
    await writeOutput(csv, 'csv', rowsFor(0, 10), metaFor({ completed: 10 }));
    const refusal = (opened: Promise<RowSink>) =>
      opened.then(
        () => 'opened',
        (error: Error) => {
          // Typed, so the CLI prints it as the user's to fix.
          expect(error).toBeInstanceOf(BatchOutputError);
          expect((error as BatchOutputError).code).toBe('cannot-resume');
          return clean(error.message, dir);
        },
      );
    expect(await refusal(openSink({ path: join(dir, 'new.parquet'), format: 'parquet', columns, resume: { path: csv } }))).toMatchInlineSnapshot(`"cannot resume from <dir>/old.csv: it is csv, but the output is parquet; resume into the same format"`);
    expect(await refusal(openSink({ path: csv, format: 'csv', columns: columns.slice(0, 5), resume: { path: csv } }))).toMatchInlineSnapshot(`"cannot resume from <dir>/old.csv: its header differs from the batch's columns (expected "run,cell,rep,seed,turns")"`);
    // A torn replacement: the sidecar of a later write beside the data of an earlier one.
    writeFileSync(`${csv}.meta.json`, JSON.stringify(metaFor({ completed: 12 })));
    expect(await refusal(openSink({ path: csv, format: 'csv', columns, resume: { path: csv } }))).toMatchInlineSnapshot(`"cannot resume from <dir>/old.csv: it holds 10 rows from run 0, but its metadata says 12 from run 0; the data and its metadata do not belong together"`);
    expect(readdirSync(dir).sort()).toEqual(['old.csv', 'old.csv.meta.json']);
  });

  it('refuses rows that do not fit the columns or break run order, before writing any of them', async () => {
    const dir = freshDir();
    const path = join(dir, 'out.csv');
    const sink = await openSink({ path, format: 'csv', columns });
    await sink.write(rowsFor(0, 3));
    const bad = (row: Row) => {
      try {
        sink.write([rowFor(3), row]);
        return 'no error';
      } catch (error) {
        // A row that breaks the sink's contract is the caller's bug, not the user's input.
        expect(error).toBeInstanceOf(BatchUsageError);
        expect((error as BatchUsageError).code).toBe('bad-row');
        return (error as Error).message;
      }
    };
    expect(bad(['4', ...rowFor(4).slice(1)])).toMatchInlineSnapshot(`"write: row 4, column run (INTEGER): expected a 32-bit integer, got "4""`);
    expect(bad(rowFor(4).map((v, i) => (i === 5 ? null : v)))).toMatchInlineSnapshot(
      `"write: run 4, column param_pressure (DOUBLE): null in a non-nullable column, got null"`,
    );
    expect(bad(rowFor(4).map((v, i) => (i === 6 ? 1 : v)))).toMatchInlineSnapshot(`"write: run 4, column outcome_war (BOOLEAN): expected a boolean, got 1"`);
    expect(bad(rowFor(4).slice(0, 3))).toMatchInlineSnapshot(`"write: run 4 has 3 cells; the batch has 11 columns"`);
    expect(bad(rowFor(5))).toMatchInlineSnapshot(`"write: run 5 follows run 3; rows must come in run order, without gaps"`);
    await sink.write(rowsFor(3, 5));
    await expect(sink.commit(metaFor({ completed: 4 }))).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchUsageError: commit: meta.completed is 4, but the file holds 5 rows]`,
    );
    await sink.commit(metaFor({ completed: 5 }));
    expect((await readRows(path)).rows).toEqual(rowsFor(0, 5).map(asObject));
  });
});

describe('writeFileAtomic (the one atomic writer: saves, reports, caches)', () => {
  it('replaces a file whole and leaves no temporary behind', () => {
    const dir = freshDir();
    const path = join(dir, 'save.json');
    writeFileSync(path, 'old');
    const text = `${'é東'.repeat(400_000)}\n`;
    writeFileAtomic(path, text);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['save.json']);
  });

  it('on failure leaves the old file and no temporary, and rethrows', () => {
    const dir = freshDir();
    const path = join(dir, 'report.html');
    mkdirSync(path);
    expect(() => writeFileAtomic(path, 'new')).toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(readdirSync(dir)).toEqual(['report.html']);
  });
});

describe('readBatchMeta', () => {
  it('names the file and what was expected', async () => {
    const dir = freshDir();
    const at = (name: string) => join(dir, name);
    const message = async (path: string) => {
      const read = await readBatchMeta(path);
      return read.ok ? 'ok' : clean(read.message, dir);
    };
    writeFileSync(at('garbage.parquet'), 'this is not parquet at all, just text');
    writeFileSync(at('fake.parquet'), Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]));
    writeFileSync(at('nosidecar.csv'), 'run\n0\n');
    writeFileSync(at('broken.csv'), 'run\n0\n');
    writeFileSync(at('broken.csv.meta.json'), '{"format": "wargame-batch", "version": 1,');
    writeFileSync(at('other.jsonl'), '{}\n');
    writeFileSync(at('other.jsonl.meta.json'), JSON.stringify({ format: 'something-else', version: 1 }));
    writeFileSync(at('newer.csv'), 'run\n');
    writeFileSync(at('newer.csv.meta.json'), JSON.stringify({ ...metaFor(), version: 2 }));
    writeFileSync(at('invalid.csv'), 'run\n');
    writeFileSync(at('invalid.csv.meta.json'), JSON.stringify({ ...metaFor(), seed: 7, shard: { k: 0, n: 1, from: 0, to: 100 } }));
    writeFileSync(at('inconsistent.csv'), 'run\n');
    writeFileSync(at('inconsistent.csv.meta.json'), JSON.stringify({ ...metaFor(), completed: 101 }));
    writeFileSync(at('notes.txt'), 'hello');
    const plain = at('plain.parquet');
    const opened = await openBatch([]);
    expect(opened).toEqual({ ok: false, message: 'no batch output given' });
    {
      // A Parquet file that is not a batch output.
      const sink = await openSink({ path: at('real.parquet'), format: 'parquet', columns });
      await sink.write(rowsFor(0, 2));
      await sink.commit(metaFor({ completed: 2 }));
      const read = await openBatch(at('real.parquet'));
      if (!read.ok) throw new Error(read.message);
      await read.table.all(`COPY (SELECT 1 AS x) TO '${plain}' (FORMAT parquet)`);
      read.table.close();
    }

    expect(await message(at('missing.parquet'))).toMatchInlineSnapshot(`"<dir>/missing.parquet: no such file"`);
    expect(await message(dir)).toMatchInlineSnapshot(`"<dir>: is a directory, not a batch output"`);
    expect(await message(at('garbage.parquet'))).toMatchInlineSnapshot(`"<dir>/garbage.parquet: not a Parquet file (no PAR1 magic bytes)"`);
    expect(await message(at('fake.parquet'))).toMatchInlineSnapshot(`"<dir>/fake.parquet: not a readable Parquet file (Footer length error in file '<dir>/fake.parquet')"`);
    expect(await message(plain)).toMatchInlineSnapshot(`"<dir>/plain.parquet: a Parquet file without wargame batch metadata (no key "wargame.batch"); not a wargame batch output"`);
    expect(await message(at('nosidecar.csv'))).toMatchInlineSnapshot(`"<dir>/nosidecar.csv: its metadata sidecar <dir>/nosidecar.csv.meta.json is missing (a batch CSV output is written with one; keep the two files together)"`);
    expect(await message(at('broken.csv'))).toMatchInlineSnapshot(`"<dir>/broken.csv.meta.json: not valid JSON (Expected double-quoted property name in JSON at position 41)"`);
    expect(await message(at('broken.csv.meta.json'))).toMatchInlineSnapshot(`"<dir>/broken.csv.meta.json: this is the metadata sidecar of a batch output; pass the data file <dir>/broken.csv"`);
    expect(await message(at('other.jsonl'))).toMatchInlineSnapshot(`"<dir>/other.jsonl.meta.json: not wargame batch metadata ("format" is "something-else"; expected "wargame-batch")"`);
    expect(await message(at('newer.csv'))).toMatchInlineSnapshot(`"<dir>/newer.csv.meta.json: written by a newer wargame (batch format version 2; this program reads version 1): upgrade wargame"`);
    expect(await message(at('invalid.csv'))).toMatchInlineSnapshot(`
      "<dir>/invalid.csv.meta.json: invalid batch metadata:
      ✖ Invalid input: expected string, received number
        → at seed
      ✖ Too small: expected number to be >0
        → at shard.k"
    `);
    expect(await message(at('inconsistent.csv'))).toMatchInlineSnapshot(`"<dir>/inconsistent.csv.meta.json: inconsistent batch metadata: completed is 101, more than the shard's 100 runs"`);
    expect(await message(at('notes.txt'))).toMatchInlineSnapshot(`"<dir>/notes.txt: not a wargame batch output (expected a .parquet, .csv or .jsonl file)"`);
  });
});

describe('mergeOutputs', () => {
  const SHARDS = [
    [0, 25],
    [25, 50],
    [50, 75],
    [75, 100],
  ] as const;

  /** Writes shard k/4 (1-based) in `format`; `completed` cuts it short. */
  async function writeShard(dir: string, k: number, format: OutputFormat, completed?: number): Promise<string> {
    const [from, to] = SHARDS[k - 1]!;
    const path = join(dir, `part${k}.${format}`);
    const done = completed ?? to - from;
    await writeOutput(path, format, rowsFor(from, from + done), metaFor({ k, n: 4, from, to, completed: done }));
    return path;
  }

  it.each(FORMATS)('%s: four shards merge into the bytes and metadata of the unsharded batch', async (format) => {
    const dir = freshDir();
    const whole = join(dir, `whole.${format}`);
    await writeOutput(whole, format, rowsFor(0, TOTAL), metaFor());
    const parts = [];
    for (const k of [3, 1, 4, 2]) parts.push(await writeShard(dir, k, format)); // any order
    const out = join(dir, `merged.${format}`);
    const merged = await mergeOutputs(parts, out);
    expect(merged).toEqual({ ok: true, meta: metaFor() });
    expect(bytes(out).equals(bytes(whole))).toBe(true);
    if (format !== 'parquet') expect(readFileSync(`${out}.meta.json`, 'utf8')).toBe(readFileSync(`${whole}.meta.json`, 'utf8'));
    const read = await readRows(out);
    expect(read.meta).toEqual(metaFor());
    expect(read.rows).toEqual(rowsFor(0, TOTAL).map(asObject));
  });

  it('converts between formats on the way: mixed shards into each format', async () => {
    const dir = freshDir();
    const parts = [await writeShard(dir, 1, 'csv'), await writeShard(dir, 2, 'parquet'), await writeShard(dir, 3, 'jsonl'), await writeShard(dir, 4, 'parquet')];
    for (const format of FORMATS) {
      const whole = join(dir, `whole.${format}`);
      await writeOutput(whole, format, rowsFor(0, TOTAL), metaFor());
      const out = join(dir, `merged.${format}`);
      expect(await mergeOutputs(parts, out)).toEqual({ ok: true, meta: metaFor() });
      expect(bytes(out).equals(bytes(whole)), `${format} differs`).toBe(true);
    }
  });

  it('reads shards as one table before merging; a gap is refused', async () => {
    const dir = freshDir();
    const [p1, p2, p3] = [await writeShard(dir, 1, 'csv'), await writeShard(dir, 2, 'parquet'), await writeShard(dir, 3, 'jsonl', 10)];
    const read = await readRows([p3, p1, p2]);
    expect(read.rows).toEqual(rowsFor(0, 60).map(asObject));
    expect(read.meta.shard).toEqual({ k: 1, n: 1, from: 0, to: 75 });
    expect(read.meta.completed).toBe(60);
    const gap = await openBatch([p1, p3]);
    expect(gap.ok ? 'ok' : clean(gap.message, dir)).toMatchInlineSnapshot(`"cannot read these outputs as one batch: shard 2/4 (runs 25–49) missing"`);
  });

  it('refuses missing, unfinished and overlapping shards, and shards of other batches', async () => {
    const dir = freshDir();
    const out = join(dir, 'merged.csv');
    const p = [await writeShard(dir, 1, 'csv'), await writeShard(dir, 2, 'csv'), await writeShard(dir, 3, 'csv'), await writeShard(dir, 4, 'csv')];
    const short = join(dir, 'short.csv');
    await writeOutput(short, 'csv', rowsFor(25, 32), metaFor({ k: 2, n: 4, from: 25, to: 50, completed: 7 }));
    const half = join(dir, 'half.csv');
    await writeOutput(half, 'csv', rowsFor(0, 50), metaFor({ k: 1, n: 2, from: 0, to: 50 }));
    const otherSeed = join(dir, 'seed.csv');
    await writeOutput(otherSeed, 'csv', rowsFor(75, 100), { ...metaFor({ k: 4, n: 4, from: 75, to: 100, seed: 'T' }) });
    const message = async (inputs: string[]) => {
      const merged = await mergeOutputs(inputs, out);
      return merged.ok ? 'ok' : clean(merged.message, dir);
    };
    expect(await message([p[0]!, p[1]!, p[3]!])).toMatchInlineSnapshot(`"cannot merge: shard 3/4 (runs 50–74) missing"`);
    expect(await message([p[1]!, p[2]!])).toMatchInlineSnapshot(`
      "cannot merge:
        shard 1/4 (runs 0–24) missing
        shard 4/4 (runs 75–99) missing"
    `);
    expect(await message([p[0]!, short, p[2]!, p[3]!])).toMatchInlineSnapshot(`"cannot merge: shard 2/4 (runs 25–49) is unfinished: <dir>/short.csv holds runs 25–31; runs 32–49 missing (resume that shard, then try again)"`);
    expect(await message([p[0]!, p[1]!, p[1]!, p[2]!, p[3]!])).toMatchInlineSnapshot(`"cannot merge: <dir>/part2.csv is given twice"`);
    expect(await message([half, p[1]!, p[2]!, p[3]!])).toMatchInlineSnapshot(`"cannot merge: <dir>/half.csv (shard 1/2, runs 0–49) and <dir>/part2.csv (shard 2/4, runs 25–49) overlap in runs 25–49"`);
    expect(await message([p[0]!, p[1]!, p[2]!, otherSeed])).toMatchInlineSnapshot(`"cannot merge: <dir>/part1.csv and <dir>/seed.csv are not shards of one batch: the seeds differ ("S" vs "T")"`);
    expect(await message([p[0]!, join(dir, 'nope.csv')])).toMatchInlineSnapshot(`"cannot merge: <dir>/nope.csv: no such file"`);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a CSV whose rows do not match its sidecar (a torn replacement)', async () => {
    const dir = freshDir();
    const p = [await writeShard(dir, 1, 'csv'), await writeShard(dir, 2, 'csv'), await writeShard(dir, 3, 'csv'), await writeShard(dir, 4, 'csv')];
    // Shard 2's data replaced by fewer rows while its sidecar still promises 25.
    writeFileSync(p[1]!, `${readFileSync(p[1]!, 'utf8').split('\n').slice(0, 11).join('\n')}\n`);
    const merged = await mergeOutputs(p, join(dir, 'merged.parquet'));
    expect(merged.ok ? 'ok' : clean(merged.message, dir)).toMatchInlineSnapshot(`"cannot merge: <dir>/part2.csv: holds runs 25–33, but its metadata says runs 25–49; the data and its metadata do not belong together"`);
    expect(readdirSync(dir).filter((name) => name.startsWith('merged') || name.startsWith('.'))).toEqual([]);
  });
});

describe('streaming', () => {
  // A full collection before each sample, so the samples measure what is kept, not garbage not yet collected.
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  /** 80 columns, like a large scenario. */
  const wide: Column[] = [
    { name: 'run', type: 'INTEGER', role: 'run' },
    { name: 'seed', type: 'VARCHAR', role: 'run' },
    ...Array.from({ length: 10 }, (_, i): Column => ({ name: `outcome_b${i}`, type: 'BOOLEAN', role: 'outcome', kind: 'boolean' })),
    ...Array.from({ length: 8 }, (_, i): Column => ({ name: `turn_b${i}`, type: 'INTEGER', role: 'turn', nullable: true })),
    ...Array.from({ length: 60 }, (_, i): Column => ({ name: `final_i${i}`, type: 'DOUBLE', role: 'indicator' })),
  ];
  function wideRows(from: number, count: number): Row[] {
    const rows: Row[] = [];
    for (let run = from; run < from + count; run++) {
      const row: Row = [run, `S.${run}`];
      for (let i = 0; i < 10; i++) row.push((run + i) % 3 === 0);
      for (let i = 0; i < 8; i++) row.push((run + i) % 4 === 0 ? null : (run * 7 + i) % 40);
      for (let i = 0; i < 60; i++) row.push(((run * 2654435761 + i * 40503) % 1000003) / 997);
      rows.push(row);
    }
    return rows;
  }

  /** Samples RSS after a full collection at 20 points; returns the peak of the second half minus the peak of the first (after a warm-up quarter). */
  async function growthWhileWriting(sink: RowSink, total: number, rows: (from: number, count: number) => Row[]): Promise<number> {
    const peak = [0, 0];
    const step = total / 20;
    for (let from = 0; from < total; from += 1000) {
      await sink.write(rows(from, 1000));
      const done = from + 1000;
      if (done % step === 0 && done > total / 4) {
        gc();
        const half = done <= total / 2 ? 0 : 1;
        peak[half] = Math.max(peak[half]!, process.memoryUsage().rss);
      }
    }
    return (peak[1]! - peak[0]!) / 2 ** 20;
  }
  const commitMeta = (total: number, cols: Column[]): BatchMeta => ({
    ...metaFor(),
    runsPerCell: total / CELLS,
    total,
    shard: { k: 1, n: 1, from: 0, to: total },
    completed: total,
    columns: cols,
  });

  it('csv: 200k rows × 80 columns stream to disk; memory does not grow with the rows', async () => {
    const path = join(freshDir(), 'big.csv');
    const sink = await openSink({ path, format: 'csv', columns: wide });
    const growth = await growthWhileWriting(sink, 200_000, wideRows);
    // The second half is ~100 MB of CSV text (more as JS arrays): had any of it stayed in memory, the peak would rise by that much.
    expect(growth, `peak RSS rose ${growth.toFixed(0)} MiB from the first half to the second`).toBeLessThan(32);
    await sink.commit(commitMeta(200_000, wide));
    expect(statSync(path).size).toBeGreaterThan(200 * 2 ** 20);
  });

  it('parquet: 2M rows stream through a DuckDB capped at 16 MiB; memory does not grow with the rows', async () => {
    // Narrow rows, so the capped DuckDB cache is full within the warm-up and the second half (~36 MB of values) would show.
    const narrow = wide.slice(0, 1).concat(wide.slice(-4));
    const path = join(freshDir(), 'big.parquet');
    const sink = await openSink({ path, format: 'parquet', columns: narrow, memoryMiB: 16 });
    const narrowRows = (from: number, count: number) =>
      Array.from({ length: count }, (_, i): Row => [from + i, ...[0, 1, 2, 3].map((c) => (((from + i) * 2654435761 + c * 40503) % 1000003) / 997)]);
    const growth = await growthWhileWriting(sink, 2_000_000, narrowRows);
    expect(growth, `peak RSS rose ${growth.toFixed(0)} MiB from the first half to the second`).toBeLessThan(16);
    await sink.commit(commitMeta(2_000_000, narrow));
    const read = await readBatchMeta(path);
    expect(read.ok && read.meta.completed).toBe(2_000_000);
  });
});

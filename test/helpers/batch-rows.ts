/** Reading a batch output's rows in tests, through the same reader the analyses use. */
import { openBatch } from '@wargame/batch';

/** Every row of a batch output (or of its shards read as one), in run order. */
export async function batchRows(path: string | string[]): Promise<Record<string, unknown>[]> {
  const o = await openBatch(path);
  if (!o.ok) throw new Error(o.message);
  try {
    return await o.table.all(`SELECT * FROM ${o.table.from} ORDER BY run`);
  } finally {
    o.table.close();
  }
}

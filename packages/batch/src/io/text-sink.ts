/**
 * The writer shared by the line-oriented formats (CSV, JSONL): rows become
 * lines in a buffered temporary file; metadata goes to the sidecar
 * `<file>.meta.json`, published just before the data.
 *
 * Publication order: sidecar first, then data. The data file appearing at its
 * path is the commit point, and whenever it exists its metadata already does.
 * A crash between the two renames leaves, for a new output, a sidecar with no
 * data ("file missing" — plainly an unfinished write), and for a replaced one
 * (resume) the old data beside the new sidecar, whose `completed` then exceeds
 * the rows present; resume and merge count the rows and refuse such a pair
 * (openBatch does not: it would mean a full scan of every CSV it opens).
 * The other order would leave new data described by stale metadata, which
 * nothing could tell apart from a good file.
 */
import type { Cell } from '../columns.js';
import { sidecarPath } from '../meta.js';
import type { BatchMeta, OutputFormat } from '../meta.js';
import { BufferedFile, tempPathFor, writeFileSynced } from './atomic.js';
import type { FormatWriter } from './sink.js';

export interface LineFormat {
  format: OutputFormat;
  /** Text before the first row (the CSV header), or ''. */
  prelude: string;
  /** One row as a line, with its `\n`. */
  line(row: readonly Cell[]): string;
}

export function openLineWriter(path: string, lines: LineFormat): FormatWriter {
  const dataTemp = tempPathFor(path);
  const sidecar = sidecarPath(path);
  const sidecarTemp = tempPathFor(sidecar);
  const file = new BufferedFile(dataTemp);
  if (lines.prelude) file.push(lines.prelude);
  return {
    temps: [dataTemp, sidecarTemp],
    writeRows(rows) {
      for (const row of rows) file.push(lines.line(row));
    },
    canCopy: (format) => format === lines.format,
    async copyOutput(source) {
      // The sinks format deterministically, so the bytes of an output we wrote
      // are exactly the bytes its rows would be written as again.
      file.appendFile(source, Buffer.byteLength(lines.prelude, 'utf8'));
    },
    async finish(meta: BatchMeta) {
      file.sync();
      file.close();
      writeFileSynced(sidecarTemp, `${JSON.stringify(meta, null, 2)}\n`);
      return [
        [sidecarTemp, sidecar],
        [dataTemp, path],
      ];
    },
    close() {
      file.close();
    },
  };
}

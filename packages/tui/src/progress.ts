/**
 * Progress of a long job on stderr (stdout stays clean for --json): a bar with
 * runs/s and time left on a terminal (cli-progress), plain lines otherwise
 * (CI logs, files), at most one every few seconds.
 */
import { SingleBar } from 'cli-progress';
import { stderrOpen } from './io.js';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `total` runs to go; `now` is the wall clock (read here, at the edge, never by the engine). */
export function createProgress(total: number, opts: { tty: boolean; quiet: boolean; label: string; now?: () => number }): Progress {
  const now = opts.now ?? (() => performance.now());
  const start = now();
  if (opts.quiet || total === 0) return { update() {}, stop() {} };
  const rate = (done: number) => (done / Math.max(1e-3, (now() - start) / 1000));
  if (opts.tty) {
    const bar = new SingleBar(
      {
        format: `${opts.label} [{bar}] {percentage}% · {value}/{total} runs · {rate} runs/s · {left} left`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
        barsize: 24,
        fps: 8,
      },
    );
    bar.start(total, 0, { rate: '0', left: '?' });
    let stopped = false;
    return {
      update(done) {
        // Once stopped (finished, or a message must be printed), the bar never redraws over the text below it.
        if (stopped) return;
        const r = rate(done);
        bar.update(done, { rate: Math.round(r).toLocaleString('en'), left: duration((total - done) / r) });
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }
  let last = start;
  return {
    update(done) {
      const t = now();
      if (done < total && t - last < 5000) return;
      last = t;
      const r = rate(done);
      if (stderrOpen()) process.stderr.write(`${opts.label}: ${done}/${total} runs (${((100 * done) / total).toFixed(1)}%), ${Math.round(r)} runs/s, ${duration((total - done) / r)} left\n`);
    },
    stop() {},
  };
}

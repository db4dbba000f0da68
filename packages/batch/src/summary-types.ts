/** The summary of a batch (or of one shard or cell): what `wargame batch` prints and `--json` emits. */
import type { BatchDesign } from './meta.js';

/** A proportion with its 95% Wilson interval. */
export interface Proportion {
  count: number;
  n: number;
  p: number;
  lo: number;
  hi: number;
  /**
   * Pooled over the cells of a sweep only: the design effect of the seeds the
   * cells share (the variance of the share over what independent runs would
   * give). lo–hi is then the Wilson interval at n / deff runs.
   */
  deff?: number;
}

/** The mean of a number outcome pooled over a sweep's cells, with its seed-clustered interval (mean ± t·se). */
export interface PooledMean {
  se: number;
  lo: number;
  hi: number;
  deff: number;
}

export type OutcomeSummary =
  | ({ id: string; label: string; type: 'boolean' } & Proportion)
  | { id: string; label: string; type: 'category'; values: ({ value: string } & Proportion)[] }
  | {
      id: string;
      label: string;
      type: 'number';
      n: number;
      mean: number;
      sd: number;
      min: number;
      max: number;
      /** Quantiles by probability (0.05, 0.25, 0.5, 0.75, 0.95), type 7 (R's default, numpy's linear). */
      quantiles: { p: number; value: number }[];
      /** Pooled over a sweep's cells only: the mean's seed-clustered interval. */
      meanInterval?: PooledMean;
    };

export interface CellSummary {
  cell: number;
  params: Record<string, number>;
  runs: number;
  outcomes: OutcomeSummary[];
}

export interface BatchSummary {
  scenario: { id: string; hash: string; title: string };
  seed: string;
  /** Every run followed the history track for the turns before this month (a forecast from it); absent: free runs from the start. */
  followHistoryUntil?: string;
  runs: number;
  /** Runs the file was to hold (its batch, or its shard); more than `runs` when the batch was interrupted. */
  planned: number;
  runsPerCell: number;
  design: BatchDesign['kind'];
  /** Parameters swept (empty for a single cell). */
  swept: string[];
  /** All runs together (for a sweep: pooled over cells). */
  overall: CellSummary;
  cells: CellSummary[];
}

/**
 * Several outputs read as one batch: they must be slices of the same batch
 * (same scenario, seed, design, columns and engine), must not overlap, and
 * must leave no runs out. Shared by merge (which needs every run) and
 * openBatch (which also takes a contiguous part, e.g. the shards done so far).
 */
import { designDifference, engineName, unionDesign, type BatchMeta, type OutputFormat } from '../meta.js';
import { columnsMismatch } from './sink.js';
import { minOf, maxOf } from '../util/arrays.js';

export interface ShardInput {
  path: string;
  meta: BatchMeta;
  format: OutputFormat;
}

export type Combined = { ok: true; meta: BatchMeta; inputs: ShardInput[] } | { ok: false; message: string };

/**
 * Orders the inputs by run and checks they read as one batch.
 * `complete`: they must hold every run of the batch (merge); otherwise their
 * rows must be one contiguous stretch of runs, only the last one may be unfinished.
 * The combined metadata is the batch's own when all runs are there (shard 1/1,
 * completed = total), else a 1/1 slice over the runs they span.
 */
export function combineShards(given: readonly ShardInput[], complete: boolean): Combined {
  const fail = (message: string): Combined => ({ ok: false, message });
  if (given.length === 0) return fail('no batch outputs given');
  const first = given[0]!;
  for (const other of given.slice(1)) {
    const difference = batchDifference(first.meta, other.meta);
    if (difference) return fail(`${first.path} and ${other.path} are not shards of one batch: ${difference}`);
  }

  const inputs = [...given].sort((a, b) => a.meta.shard.from - b.meta.shard.from || a.meta.shard.to - b.meta.shard.to);
  for (let i = 1; i < inputs.length; i++) {
    const a = inputs[i - 1]!;
    const b = inputs[i]!;
    if (a.path === b.path) return fail(`${a.path} is given twice`);
    const overlap = [Math.max(a.meta.shard.from, b.meta.shard.from), Math.min(a.meta.shard.to, b.meta.shard.to)] as const;
    if (overlap[0] < overlap[1]) {
      if (a.meta.shard.k === b.meta.shard.k && a.meta.shard.n === b.meta.shard.n)
        return fail(`shard ${shardName(a.meta)} is given twice (${a.path} and ${b.path})`);
      return fail(`${describeInput(a)} and ${describeInput(b)} overlap in ${runs(overlap[0], overlap[1])}`);
    }
  }

  const { total } = first.meta;
  const problems: string[] = [];
  const gaps: Array<[number, number]> = [];
  let next = complete ? 0 : inputs[0]!.meta.shard.from;
  inputs.forEach((input, i) => {
    const { from, to } = input.meta.shard;
    const end = from + input.meta.completed;
    if (from > next) gaps.push([next, from]);
    const last = i === inputs.length - 1;
    if (end < to && (complete || !last)) {
      const held = input.meta.completed === 0 ? 'holds no runs' : `holds ${runs(from, end)}`;
      problems.push(`shard ${shardName(input.meta)} (${runs(from, to)}) is unfinished: ${input.path} ${held}; ${runs(end, to)} missing (resume that shard, then try again)`);
    }
    next = to;
  });
  if (complete && next < total) gaps.push([next, total]);
  problems.unshift(...describeGaps(gaps, inputs, complete));
  if (problems.length > 0) return fail(problems.join('\n'));

  const from = inputs[0]!.meta.shard.from;
  const to = inputs[inputs.length - 1]!.meta.shard.to;
  const completed = inputs.reduce((sum, input) => sum + input.meta.completed, 0);
  if (inputs.length === 1 && !complete) return { ok: true, meta: first.meta, inputs };
  const base = inputs[0]!.meta;
  const meta: BatchMeta = {
    ...base,
    // Each shard lists its own cells: the combined file plays all of theirs.
    design: unionDesign(inputs.map((input) => input.meta.design)),
    shard: from === 0 && to === total ? { k: 1, n: 1, from: 0, to: total } : { k: 1, n: 1, from, to },
    completed,
    command: withoutShard(base.command),
  };
  return { ok: true, meta, inputs };
}

/** The command without its `--shard k/n` (also `--shard=k/n`), as an unsharded batch would record it. */
export function withoutShard(command: string): string {
  return command.replace(/\s+--shard(?:=|\s+)\d+\/\d+(?=\s|$)/g, '');
}

/** Why two metadata do not describe one batch, or undefined. */
function batchDifference(a: BatchMeta, b: BatchMeta): string | undefined {
  if (a.scenario.id !== b.scenario.id) return `the scenarios differ (${a.scenario.id} vs ${b.scenario.id})`;
  if (a.scenario.hash !== b.scenario.hash) return `the scenario files differ (hash ${a.scenario.hash} vs ${b.scenario.hash}); run every shard on the same scenario file`;
  if (a.seed !== b.seed) return `the seeds differ (${JSON.stringify(a.seed)} vs ${JSON.stringify(b.seed)})`;
  if (a.runsPerCell !== b.runsPerCell) return `the runs per cell differ (${a.runsPerCell} vs ${b.runsPerCell})`;
  const design = designDifference(a.design, b.design);
  if (design) return `the designs differ (${design})`;
  if (a.play?.followHistoryUntil !== b.play?.followHistoryUntil)
    return `they follow the history track to different months (${a.play?.followHistoryUntil ?? 'not at all'} vs ${b.play?.followHistoryUntil ?? 'not at all'})`;
  if (a.total !== b.total) return `the totals differ (${a.total} vs ${b.total} runs)`;
  const columns = columnsMismatch(a.columns, b.columns);
  if (columns) return `the columns differ (${columns})`;
  if (a.engine.version !== b.engine.version || a.engine.build !== b.engine.build)
    return `they were run by different engines (${engineName(a.engine)} vs ${engineName(b.engine)}), which may play the same seed differently`;
  return undefined;
}

function describeGaps(gaps: ReadonlyArray<[number, number]>, inputs: readonly ShardInput[], complete: boolean): string[] {
  // Name the missing shards when every input is a k/n slice of one n and the
  // missing k's fall one group per gap; otherwise name the runs alone.
  const ns = new Set(inputs.map((input) => input.meta.shard.n));
  if (ns.size === 1) {
    const n = inputs[0]!.meta.shard.n;
    const ks = inputs.map((input) => input.meta.shard.k);
    const present = new Set(ks);
    // A part of a batch (openBatch) misses only the shards between those given.
    const [low, high] = complete ? [1, n] : [minOf(ks), maxOf(ks)];
    const groups: number[][] = [];
    for (let k = low; k <= high; k++) {
      if (present.has(k)) continue;
      const group = groups[groups.length - 1];
      if (group && group[group.length - 1] === k - 1) group.push(k);
      else groups.push([k]);
    }
    if (groups.length === gaps.length)
      return gaps.map(([from, to], i) => {
        const ks = groups[i]!;
        const name = ks.length === 1 ? `shard ${ks[0]}/${n}` : `shards ${ks[0]}/${n}–${ks[ks.length - 1]}/${n}`;
        return `${name} (${runs(from, to)}) missing`;
      });
  }
  return gaps.map(([from, to]) => `${runs(from, to)} missing (no output given holds them)`);
}

function shardName(meta: BatchMeta): string {
  return `${meta.shard.k}/${meta.shard.n}`;
}

function describeInput(input: ShardInput): string {
  return `${input.path} (shard ${shardName(input.meta)}, ${runs(input.meta.shard.from, input.meta.shard.to)})`;
}

/** Runs [from, to) for people: `runs 0–24999`, `run 7`. */
export function runs(from: number, to: number): string {
  return to - from === 1 ? `run ${from}` : `runs ${from}–${to - 1}`;
}

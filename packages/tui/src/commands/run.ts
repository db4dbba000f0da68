import { applyOverrides, shellWord, compileScenarioDoc, monthIndex, monthText, runGame, saveSession, Session, type CompiledScenario, type GameRun, type TurnInputs, type TurnLog } from '@wargame/engine';
import { out, UserError, writeFileAtomic } from '../io.js';
import { loadOrFail } from './load.js';
import { readSetFile } from './set-file.js';

export interface RunOptions {
  seed?: string;
  turns?: number;
  set: Record<string, number>;
  setFile?: string;
  json?: boolean;
  save?: string;
  followHistoryUntil?: string;
}

/** A seed for a run that was not given one. Drawn here, at the edge: the engine itself never draws. */
function drawSeed(): string {
  return String(Math.floor(Math.random() * 1_000_000_000));
}

/** The command that replays a run exactly. */
export function replayCommand(arg: string, seed: string, opts: Pick<RunOptions, 'set' | 'turns' | 'followHistoryUntil' | 'setFile'>): string {
  const sets = (opts.setFile ? ` --set-file ${shellWord(opts.setFile)}` : '') + Object.entries(opts.set).map(([k, v]) => ` --set ${k}=${v}`).join('');
  const follow = opts.followHistoryUntil ? ` --follow-history-until ${opts.followHistoryUntil}` : '';
  return `wargame run ${shellWord(arg)} --seed ${shellWord(seed)}${sets}${follow}${opts.turns !== undefined ? ` --turns ${opts.turns}` : ''}`;
}

function signed(x: number): string {
  const r = Math.round(x * 100) / 100;
  return r > 0 ? `+${r}` : r < 0 ? `−${Math.abs(r)}` : '±0';
}

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** The turn-by-turn account a person reads. */
export function formatTurn(s: CompiledScenario, t: TurnLog, previous: Record<string, number>): string {
  const lines = [`── Turn ${t.turn} · ${t.date} ${'─'.repeat(Math.max(0, 50 - String(t.turn).length - t.date.length))}`];
  // Recurring drifts fire every turn: listed once at the top of the account, not as news each month.
  for (const e of t.events) if (e.kind !== 'recurring') lines.push(`  ⚡ ${e.label} (${e.kind})`);
  for (const p of t.parties) {
    const party = s.parties.find((x) => x.id === p.party)!;
    const posture = p.transition ? `${p.previousPosture} → ${p.posture}` : p.posture;
    const move = p.move === null ? 'makes no move' : `${p.moveLabel}${p.success ? '' : ' (fails)'}${p.adjudicated ? ' (adjudicated)' : ''}${p.controller === 'history' ? ' ⟨history⟩' : p.controller === 'human' ? ' ⟨player⟩' : ''}`;
    lines.push(`  ${party.name} [${posture}]: ${move}`);
    if (p.transition) lines.push(`      posture: ${p.transition.reason ?? `because ${p.transition.guard}`}`);
    if (p.voided) lines.push(`      void: ${p.voided.by} was made first this turn and excludes it`);
    lines.push(`      why: ${p.reason.summary}`);
  }
  for (const m of t.messages ?? []) {
    const from = s.parties.find((x) => x.id === m.from)!.name;
    const to = s.parties.find((x) => x.id === m.to)!.name;
    const answer = m.reply === null ? 'left unanswered (the turn’s reaction rounds ran out)' : `${m.replyLabel}${m.success ? '' : ' (fails)'}${m.controller === 'human' ? ' ⟨player⟩' : ''}`;
    lines.push(`  ✉ ${from} → ${to}: ${m.label} (${m.kind}) — ${to} ${answer}${m.transition ? ` [${m.transition.from} → ${m.transition.to}]` : ''}`);
  }
  for (const b of t.breaches ?? []) lines.push(`  ⚠ ${s.parties.find((x) => x.id === b.party)!.name} breaks its commitment under “${s.messages.find((x) => x.id === b.message)!.label}”`);
  const moved = s.indicators.filter((i) => t.changes[i.id] !== undefined && (i.key || Math.abs(t.changes[i.id]!) >= 0.5));
  if (moved.length > 0)
    lines.push(`  ${moved.map((i) => `${i.label} ${fmt(previous[i.id]!)} → ${fmt(t.indicators[i.id]!)} (${signed(t.changes[i.id]!)})`).join('; ')}`);
  if (t.note) lines.push(`  ✎ ${t.note}`);
  return lines.join('\n');
}

export function formatRun(s: CompiledScenario, run: GameRun, replay: string): string {
  const lines = [`${s.title} (${s.id}) · seed ${run.seed}`, `replay: ${replay}`];
  const drifts = s.events.filter((e) => e.recurring);
  if (drifts.length > 0) lines.push(`every turn, while their condition holds: ${drifts.map((e) => e.label).join('; ')}`);
  lines.push('');
  let previous: Record<string, number> = Object.fromEntries(s.indicators.map((i) => [i.id, i.initial]));
  for (const t of run.turns) {
    lines.push(formatTurn(s, t, previous));
    previous = t.indicators;
  }
  lines.push('', 'OUTCOMES');
  for (const o of s.outcomes) {
    const r = run.outcomes[o.id]!;
    lines.push(`  ${o.label}: ${String(r.value)}${r.firstTurn !== undefined ? ` (from turn ${r.firstTurn})` : ''}`);
  }
  lines.push('', 'KEY INDICATORS AT THE END');
  for (const i of s.indicators.filter((x) => x.key)) lines.push(`  ${i.label}: ${fmt(run.turns.at(-1)?.indicators[i.id] ?? i.initial)}${i.unit ? ` ${i.unit}` : ''} (started at ${fmt(i.initial)})`);
  lines.push('', `final state hash ${run.finalHash} after ${run.turns.length} turn${run.turns.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/** The scenario with `--set-file` and `--set` applied: parameters as parameters, other paths written into the scenario. */
export function withOverrides(base: CompiledScenario, opts: Pick<RunOptions, 'set' | 'setFile'>): { scenario: CompiledScenario; params: Record<string, number> } {
  const all = { ...(opts.setFile ? readSetFile(opts.setFile) : {}), ...opts.set };
  const applied = applyOverrides(base.doc, all);
  if (!applied.ok) throw new UserError(applied.message);
  if (applied.doc === base.doc) return { scenario: base, params: applied.params };
  const c = compileScenarioDoc(applied.doc);
  if (c.issues.length > 0) throw new UserError(`the overrides make the scenario invalid: ${c.issues[0]!.message}`);
  return { scenario: c.scenario, params: applied.params };
}

export function runCommand(arg: string, opts: RunOptions): number {
  const base = loadOrFail(arg);
  const { scenario: s, params } = withOverrides(base, opts);
  const drawn = opts.seed === undefined;
  const seed = opts.seed ?? drawSeed();
  const inputs = historyInputs(s, opts.followHistoryUntil);
  const r = runGame(s, { seed, params, inputs, ...(opts.turns === undefined ? {} : { turns: opts.turns }) });
  const replay = replayCommand(arg, seed, opts);
  if (!r.ok) throw new UserError(`${r.error.message}${r.turn !== undefined ? ` (turn ${r.turn + 1}; seed ${seed}; replay: ${replay})` : ''}`);
  if (opts.save) {
    if (s.hash !== base.hash) throw new UserError('--save: a run whose --set or --set-file changes the scenario itself (a path, not a parameter) cannot be saved as a session of the shipped scenario; use parameters only');
    writeSave(s, seed, params, r.run.turns.length, inputs, opts.save);
  }
  if (opts.json) {
    out(
      JSON.stringify(
        {
          scenario: { id: s.id, title: s.title, hash: s.hash },
          seed,
          seedDrawn: drawn,
          params: r.run.params,
          replay,
          initialHash: r.run.initialHash,
          turns: r.run.turns,
          outcomes: r.run.outcomes,
          finalHash: r.run.finalHash,
        },
        null,
        2,
      ),
    );
  } else {
    if (drawn) out(`(no --seed given: drew seed ${seed})`);
    out(formatRun(s, r.run, replay));
  }
  return 0;
}

/** Writes the run as a session save (replayable with `wargame replay`). */
function writeSave(s: CompiledScenario, seed: string, params: Record<string, number>, turns: number, inputs: (turn: number) => TurnInputs | undefined, save: string): void {
  const created = Session.create(s, { seed, params });
  if (!created.ok) throw new UserError(created.error.message);
  for (let i = 0; i < turns; i++) {
    const step = created.session.advance(inputs(i) ?? {});
    if (!step.ok) throw new UserError(step.error.message);
  }
  writeFileAtomic(save, `${JSON.stringify(saveSession(created.session), null, 2)}\n`);
}

/**
 * Inputs that follow the history track for every turn dated before `until`
 * (YYYY-MM): the state at `until` is the historical one, and the computer
 * decides from there.
 */
export function historyInputs(s: CompiledScenario, until: string | undefined): (turn: number) => TurnInputs | undefined {
  if (until === undefined) return () => undefined;
  const month = monthIndex(until);
  const first = s.calendar.start;
  const last = first + (s.calendar.turns - 1) * s.calendar.step;
  if (month < first || month > last + s.calendar.step)
    throw new UserError(`--follow-history-until ${until} is outside the scenario's calendar (${monthText(first)} to ${monthText(last)})`);
  if (s.history.length === 0) throw new UserError(`scenario ${s.id} has no history track to follow`);
  return (turn) => (first + turn * s.calendar.step < month ? { history: true } : undefined);
}

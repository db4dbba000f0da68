/**
 * The debrief's grade and story (issue 14).
 *
 * The grade sets the player's party against the computer playing the same
 * party over the same runs (comparison.ts: the game's own months and start,
 * seeds `<seed>.0 …`): for each of the party's interests, the share of runs in
 * which the computer's party ended worse off, and better off, than the
 * player's — "your Armenia did better than 72% of the computer's Armenias on
 * a working security guarantee, worse than 61% on trade". Interests are
 * weighed as in the party's posture when the player took over (what they
 * were told to pursue) and read on the final world.
 *
 * The story is the game's turning points (posture changes, outcomes reached,
 * agreements, broken commitments) and its key moves — each party's move that
 * moved the world most, with the reason the computer had for it (`w`).
 */
import { fastRun, prepareFastRun, createRunContext, type CompiledScenario, type GameState, type Session } from '@wargame/engine';
import type { RunPlay } from '@wargame/batch';
import { formatCount, formatPercent } from './format.js';
import { describeApplied, postureLabel } from './turn-record.js';

/** The party's interests' utilities in a world, in the party's order. */
export function interestUtilities(scenario: CompiledScenario, p: number, state: GameState): number[] {
  return scenario.parties[p]!.interests.map((i) => i.utility(state));
}

/**
 * The utilities of party `p`'s interests at the end of computer run `i`: the
 * same run the debrief's comparison plays (seed `<seed>.i`, the game's
 * parameters and months).
 */
export function computerRunUtilities(
  scenario: CompiledScenario,
  opts: { seed: string; params: Record<string, number>; play: RunPlay; party: number },
  plan = prepareFastRun(scenario),
  context = createRunContext(plan),
): (i: number) => number[] | { error: string } {
  return (i) => {
    const r = fastRun(plan, { seed: `${opts.seed}.${i}`, params: opts.params, context, ...opts.play });
    return r.ok ? interestUtilities(scenario, opts.party, r.state) : { error: r.error.message };
  };
}

export interface InterestGrade {
  id: string;
  text: string;
  /** Its share of the party's weights in the posture graded (0–1). */
  share: number;
  /** Shares of the runs in which the computer's party ended worse off than the player's (`better`), or better off (`worse`). */
  better: number;
  worse: number;
}

export interface Grade {
  party: string;
  runs: number;
  /** The interests weighed together. */
  overall: { better: number; worse: number };
  /** Heaviest first; interests without weight in the posture are left out. */
  interests: InterestGrade[];
}

/** How the player's party did against the computer's, interest by interest, in `theirs` (one utility list a run). */
export function gradeParty(scenario: CompiledScenario, p: number, posture: number, yours: readonly number[], theirs: readonly (readonly number[])[]): Grade {
  const party = scenario.parties[p]!;
  const weights = party.interests.map((i) => i.weights[posture] ?? 0);
  const total = weights.reduce((s, w) => s + Math.abs(w), 0) || 1;
  const eps = 1e-9;
  const compare = (mine: number, all: readonly number[]) => ({
    better: all.filter((v) => v < mine - eps).length / Math.max(1, all.length),
    worse: all.filter((v) => v > mine + eps).length / Math.max(1, all.length),
  });
  const weighed = (u: readonly number[]) => u.reduce((s, v, k) => s + (weights[k]! / total) * v, 0);
  const interests = party.interests
    .map((interest, k) => ({ id: interest.id, text: interest.text, share: Math.abs(weights[k]!) / total, ...compare(yours[k]!, theirs.map((t) => t[k]!)) }))
    .filter((g) => g.share > 0)
    .sort((a, b) => b.share - a.share);
  return { party: party.id, runs: theirs.length, overall: compare(weighed(yours), theirs.map(weighed)), interests };
}

const verdict = (g: { better: number; worse: number }) =>
  g.better === 0 && g.worse === 0 ? 'the same as all' : g.better >= g.worse ? `better than ${formatPercent(g.better)}` : `worse than ${formatPercent(g.worse)}`;

/** The grade in sentences: the whole first, then each interest, heaviest first. */
export function gradeSentences(grade: Grade, partyName: string): string[] {
  const runs = `${formatCount(grade.runs)} runs`;
  const out = [`Weighing its goals as when you took over, your ${partyName} did ${verdict(grade.overall)} of the computer's ${partyName} over the same ${runs}.`];
  for (const g of grade.interests) out.push(`${verdict(g)} on “${g.text}” (${formatPercent(g.share)} of its weight)`);
  return out;
}

/** The one-line summary of the issue's wording: "your Armenia did better than 72% of the computer's Armenia on …, worse than 61% on …". */
export function gradeHeadline(grade: Grade, partyName: string): string {
  const best = grade.interests.reduce<InterestGrade | null>((b, g) => (!b || g.better - g.worse > b.better - b.worse ? g : b), null);
  const worst = grade.interests.reduce<InterestGrade | null>((b, g) => (!b || g.worse - g.better > b.worse - b.better ? g : b), null);
  if (!best || !worst) return `Your ${partyName} had no goals to grade.`;
  const parts = [`${verdict(best)} of the computer's ${partyName} on “${best.text}”`];
  if (worst !== best) parts.push(`${verdict(worst)} on “${worst.text}”`);
  return `Your ${partyName} did ${parts.join(', and ')}.`;
}

export interface StoryItem {
  date: string;
  kind: 'posture' | 'outcome' | 'agreement' | 'breach' | 'move';
  text: string;
  /** Why the computer made a key move (its `w` reason: the interest it served most). */
  why?: string;
}

/** How much a move moved the world: each effect's size as a share of its target's range. */
function weightOf(scenario: CompiledScenario, effects: readonly { key: string; op: 'add' | 'set'; amount: number }[], before: GameState): number {
  let sum = 0;
  for (const e of effects) {
    const i = scenario.indicators.findIndex((x) => x.id === e.key);
    if (i >= 0) {
      const ind = scenario.indicators[i]!;
      const d = e.op === 'set' ? e.amount - before.ind[i]! : e.amount;
      sum += Math.abs(d) / Math.max(1e-9, ind.max - ind.min);
    } else sum += (e.op === 'set' ? 0.5 : Math.abs(e.amount)) / Math.max(1e-9, scenario.relations.max - scenario.relations.min);
  }
  return sum;
}

/**
 * The story of the game on the head's branch from `startTurn`: turning points
 * in date order, then each party's key move (the player's two), at most `max`
 * items. `playerIndex` -1: no player (a workshop's report tells every party alike).
 */
export function storyOf(scenario: CompiledScenario, session: Session, playerIndex: number, startTurn: number, max = 14): { turning: StoryItem[]; moves: StoryItem[] } {
  const path = session.path();
  const turning: StoryItem[] = [];
  const best = new Map<string, { w: number; item: StoryItem }[]>();
  const player = scenario.parties[playerIndex];
  for (const [k, node] of path.entries()) {
    const log = node.log;
    if (!log || log.turn <= startTurn) continue;
    const before = session.stateOf(path[k - 1]!.id);
    for (const p of log.parties) {
      const name = scenario.parties.find((x) => x.id === p.party)!.name;
      if (p.transition) {
        const from = postureLabel(scenario, p.party, p.transition.from);
        const to = postureLabel(scenario, p.party, p.transition.to);
        turning.push({ date: log.date, kind: 'posture', text: `${name}: ${from} → ${to}${p.transition.reason ? ` — ${p.transition.reason}` : ''}` });
      }
      if (p.move === null || p.effects.length === 0) continue;
      const w = weightOf(scenario, p.effects, before);
      const mine = p.party === player?.id;
      const why = mine ? 'your move' : p.controller === 'history' ? 'as on the record' : p.reason.topInterest ? `for “${p.reason.topInterest.text}”` : p.reason.summary;
      const item: StoryItem = { date: log.date, kind: 'move', text: `${mine ? 'You' : name}: ${p.moveLabel}${p.success ? '' : ' (it failed)'} — ${describeApplied(scenario, p.effects)}`, why };
      best.set(p.party, [...(best.get(p.party) ?? []), { w, item }]);
    }
    for (const m of log.messages ?? [])
      if (m.reply === 'accept')
        turning.push({ date: log.date, kind: 'agreement', text: `${scenario.parties.find((x) => x.id === m.to)!.name} accepts ${scenario.parties.find((x) => x.id === m.from)!.name}'s ${m.kind}: “${m.label}”` });
    for (const b of log.breaches ?? [])
      turning.push({ date: log.date, kind: 'breach', text: `${scenario.parties.find((x) => x.id === b.party)!.name} breaks its commitment under “${scenario.messages.find((x) => x.id === b.message)?.label ?? b.message}”` });
  }
  // Outcomes the game reached during the play, on the date they first held.
  const results = session.outcomes();
  for (const o of scenario.outcomes) {
    const first = results[o.id]?.firstTurn;
    if (first === undefined || first <= startTurn) continue;
    const node = path.find((n) => n.log?.turn === first);
    if (node?.log) turning.push({ date: node.log.date, kind: 'outcome', text: `✔ ${o.label}` });
  }
  // Outcomes and agreements first, then the player's own posture changes, then others', each in date order.
  const rank = (t: StoryItem) => (t.kind === 'outcome' || t.kind === 'agreement' || t.kind === 'breach' ? 0 : player && t.text.startsWith(`${player.name}:`) ? 1 : 2);
  const kept = [...turning].sort((a, b) => rank(a) - rank(b) || a.date.localeCompare(b.date)).slice(0, max);
  const moves = [...best.entries()]
    .flatMap(([party, list]) => list.sort((a, b) => b.w - a.w).slice(0, party === player?.id ? 2 : 1))
    .sort((a, b) => b.w - a.w)
    .slice(0, Math.max(3, Math.floor(max / 2)))
    .map((x) => x.item)
    .sort((a, b) => a.date.localeCompare(b.date));
  return { turning: kept.sort((a, b) => a.date.localeCompare(b.date)), moves };
}

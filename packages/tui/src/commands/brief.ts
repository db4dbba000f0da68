/**
 * `wargame brief <scenario> --teams a,b [--from YYYY-MM] [--format md|html]`:
 * each team's private brief, to print before a workshop — who the party is,
 * what it wants (its interests in plain words, with their weight in its
 * posture and the sources' words), what it can do now (its moves with the
 * effects it can expect), what it knows (its own view: beliefs where it cannot
 * see) and where it stands with the others. One file per team.
 */
import { beginTurn, createInitialState, followHistory, monthIndex, monthText, viewOf, type Citation, type CompiledScenario, type GameState } from '@wargame/engine';
import { quotesOf, quoteText } from '../app/briefing-model.js';
import { renderDocument, type Block, type Inline } from '@wargame/batch';
import { out, UserError, writeFileAtomic } from '../io.js';
import { loadOrFail } from './load.js';

export interface BriefOptions {
  teams?: string;
  from?: string;
  format: 'md' | 'html';
  out?: string;
  seed: string;
}

function signed(x: number): string {
  const r = Math.round(x * 100) / 100;
  return r > 0 ? `+${r}` : `${r}`;
}

function quoteLines(s: CompiledScenario, cite: readonly Citation[], max = 2): Inline[][] {
  return quotesOf(s, cite, max).map((q) => [quoteText(q)]);
}

/** An effect's target for people: the indicator's label, or the relation with the other party. */
function targetLabel(s: CompiledScenario, key: string, p: number): string {
  const ind = s.indicators.find((i) => i.id === key);
  if (ind) return ind.label;
  const rel = /^rel\(\s*([a-z0-9_]+)\s*,\s*([a-z0-9_]+)\s*\)$/.exec(key);
  if (!rel) return key;
  const [a, b] = [rel[1]!, rel[2]!].map((id) => s.parties.find((x) => x.id === id)!);
  const me = s.parties[p]!;
  if (a === me) return `relation with ${b!.name}`;
  if (b === me) return `relation with ${a!.name}`;
  return `${a!.name}–${b!.name} relation`;
}

/** The brief of one party in a state. */
export function briefBlocks(s: CompiledScenario, state: GameState, p: number): Block[] {
  const party = s.parties[p]!;
  const view = viewOf(s, state, p);
  const posture = state.posture[p]!;
  const doc: Block[] = [];
  doc.push({ kind: 'meta', items: [['Scenario', [`${s.title} (${s.id})`]], ['Your party', [`${party.name} — ${party.seat}`]], ['Date', [monthText(state.month)]], ['Posture', [party.postureLabels[posture] ?? party.postures[posture]!]]] });
  if (party.description) doc.push({ kind: 'heading', level: 2, text: 'Who you are' }, { kind: 'paragraph', inlines: [party.description] });
  const postureDoc = s.doc.parties[party.id]!.machine.states[party.postures[posture]!];
  if (postureDoc?.description) doc.push({ kind: 'paragraph', inlines: [{ strong: 'Your posture now:' }, ` ${postureDoc.description}`] });

  doc.push({ kind: 'heading', level: 2, text: 'What you want' });
  const total = party.interests.reduce((a, it) => a + Math.abs(it.weights[posture]!), 0) || 1;
  doc.push({ kind: 'paragraph', inlines: ['Your interests, most important first, with their share of what you weigh in your present posture. The computer plays your party by these when no one does; a team may weigh them differently — that is the point of playing.'] });
  doc.push({
    kind: 'table',
    table: {
      head: ['interest', 'weight now', 'in the sources'],
      rows: [...party.interests]
        .sort((a, b) => Math.abs(b.weights[posture]!) - Math.abs(a.weights[posture]!))
        .map((it) => [it.text, `${Math.round((100 * Math.abs(it.weights[posture]!)) / total)}%`, quoteLines(s, it.cite, 1).map((q) => String(q[0]))]),
      numeric: [false, true, false],
    },
  });

  doc.push({ kind: 'heading', level: 2, text: 'What you can do now' });
  const begun = beginTurn(s, state);
  if (!begun.ok) doc.push({ kind: 'paragraph', inlines: [begun.error.message] });
  else {
    const offers = begun.context.parties[p]!.offers;
    doc.push({
      kind: 'table',
      table: {
        head: ['move', 'expected effects', 'chance'],
        rows: offers.map((o) => {
          const move = party.moves[o.index]!;
          const sends = move.sends.map((x) => `sends “${s.messages[x.message]!.label}” to ${x.to.map((t) => s.parties[t]!.name).join(', ')}`);
          const effects = o.effects.map((e) => `${targetLabel(s, e.key, p)} ${e.op === 'set' ? '= ' : ''}${e.range ? `${signed(e.range[0])}…${signed(e.range[1])}` : e.op === 'set' ? String(Math.round(e.amount * 100) / 100) : signed(e.amount)}`);
          return [move.label, [...effects, ...sends].length > 0 ? [...effects, ...sends] : ['—'], o.chance === null ? 'certain' : `${Math.round(o.chance * 100)}%`];
        }),
        numeric: [false, false, true],
      },
    });
    const messages = s.messages.filter((m) => party.moves.some((mv) => mv.reactsTo.includes(m.index)) || s.parties.some((q) => q.moves.some((mv) => mv.sends.some((x) => x.message === m.index && x.to.includes(p)))));
    if (messages.length > 0) {
      doc.push({ kind: 'heading', level: 3, text: 'Messages you may receive' });
      doc.push({ kind: 'list', items: messages.map((m) => [{ strong: m.label }, ` (${m.kind})${m.description ? `: ${m.description}` : ''}${m.commitment?.breaks.some((b) => b.party === p) ? ` Accepting binds you for ${m.commitment.turns} turns: ${m.commitment.breaks.find((b) => b.party === p)!.moves.map((k) => party.moves[k]!.label).join('; ')} would break it.` : ''}`]) });
    }
  }

  doc.push({ kind: 'heading', level: 2, text: 'What you know' });
  const hidden = view.indicators.filter((i) => i.kind === 'belief');
  if (hidden.length > 0)
    doc.push({ kind: 'paragraph', inlines: [`You cannot see ${hidden.length === 1 ? 'one indicator' : `${hidden.length} indicators`}; the values shown are your beliefs, and they will change as things show.`] });
  doc.push({
    kind: 'table',
    table: {
      head: ['indicator', 'value', ''],
      rows: view.indicators
        .map((v, i) => ({ v, ind: s.indicators[i]! }))
        // The key indicators, and everything private: what it believes, and what only it (and a few) may see.
        .filter(({ v, ind }) => ind.key || v.kind === 'belief' || ind.of === p || ind.visibleTo !== null)
        .map(({ v, ind }) => [
          ind.label,
          `${Math.round(v.value * 10) / 10}${ind.unit ? ` ${ind.unit}` : ''}`,
          v.kind === 'belief' ? 'your belief' : ind.of === p ? 'yours' : ind.visibleTo !== null ? 'private: not everyone sees it' : '',
        ]),
      numeric: [false, true, false],
    },
  });
  doc.push({ kind: 'heading', level: 3, text: 'Your relations' });
  doc.push({
    kind: 'table',
    table: {
      head: ['with', 'relation (−100…100)', 'their posture'],
      rows: s.relations.pairs
        .map(([a, b], k) => ({ other: a === p ? b : b === p ? a : -1, value: view.relations[k]! }))
        .filter((r) => r.other >= 0)
        .map((r) => {
          const other = s.parties[r.other]!;
          const posture = view.postures[other.id];
          return [other.name, String(Math.round(r.value)), posture == null ? 'unknown to you' : (other.postureLabels[other.postures.indexOf(posture)] ?? posture)];
        }),
      numeric: [false, true, false],
    },
  });
  return doc;
}

export function briefCommand(arg: string, opts: BriefOptions): number {
  const s = loadOrFail(arg);
  const ids = s.parties.map((p) => p.id);
  const teams = opts.teams ? opts.teams.split(',').map((t) => t.trim()) : ids;
  for (const t of teams) if (!ids.includes(t)) throw new UserError(`--teams: unknown party "${t.slice(0, 40)}"; parties are ${ids.join(', ')}`);
  let state: GameState;
  if (opts.from) {
    const until = monthIndex(opts.from);
    const last = s.calendar.start + (s.calendar.turns - 1) * s.calendar.step;
    if (until < s.calendar.start || until > last) throw new UserError(`--from ${opts.from} is outside the scenario's calendar (${monthText(s.calendar.start)} to ${monthText(last)})`);
    const f = followHistory(s, { seed: opts.seed, until });
    if (!f.ok) throw new UserError(f.error.message);
    state = f.state;
  } else {
    const r = createInitialState(s, { seed: opts.seed });
    if (!r.ok) throw new UserError(r.error.message);
    state = r.state;
  }
  if (opts.out && teams.length > 1) throw new UserError('--out names one file: brief one team at a time with it, or leave it out to write one file per team');
  for (const t of teams) {
    const p = ids.indexOf(t);
    const text = renderDocument(`Team brief: ${s.parties[p]!.name} — ${s.title}`, briefBlocks(s, state, p), opts.format);
    const file = opts.out ?? `${s.id}-brief-${t}.${opts.format}`;
    writeFileAtomic(file, text);
    out(`wrote ${file}`);
  }
  return 0;
}

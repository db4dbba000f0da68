/**
 * What each connection is sent. A team's frames are built only from the
 * engine's `viewOf` and `logFor` for its party, and its own offers and
 * messages with effects on what it cannot see left out; never the state, the
 * state hash, another team's choice or the computer parties' reasoning on
 * private information. A spectator (the projector) gets what every party may
 * know. The facilitator gets everything.
 */
import {
  logFor,
  namedIndicators,
  namedPostures,
  namedRelations,
  PUBLIC,
  stateDate,
  viewOf,
  type CompiledScenario,
  type GameState,
  type OfferedEffect,
  type TurnLog,
} from '@wargame/engine';
import type { WorkshopGame } from './game.js';

export type Role = { kind: 'team'; party: string } | { kind: 'facilitator' } | { kind: 'spectator' };

export function roleName(r: Role): string {
  return r.kind === 'team' ? r.party : r.kind;
}

function hiddenFor(scenario: CompiledScenario, p: number | null): Set<string> {
  return new Set(scenario.indicators.filter((i) => i.visibleTo !== null && (p === null || i.visibleTo[p] !== true)).map((i) => i.id));
}

function visibleEffects<T extends { key: string }>(effects: T[], hidden: Set<string>): T[] {
  return effects.filter((e) => !hidden.has(e.key.replace(/^rel\(.*$/, '')));
}

/** Static facts every client needs once: the scenario, its indicators and parties. */
export function welcome(game: WorkshopGame, role: Role): Record<string, unknown> {
  const sc = game.scenario;
  const p = role.kind === 'team' ? game.partyIndex(role.party) : -1;
  const hidden = hiddenFor(sc, p >= 0 ? p : role.kind === 'facilitator' ? -1 : null);
  const party = p >= 0 ? sc.parties[p]! : null;
  return {
    type: 'welcome',
    role: role.kind,
    ...(party
      ? {
          party: {
            id: party.id,
            name: party.name,
            seat: party.seat,
            description: party.description ?? null,
            interests: party.interests.map((i) => ({ id: i.id, text: i.text })),
          },
        }
      : {}),
    scenario: { id: sc.id, title: sc.title, description: sc.doc.description ?? '', turns: sc.calendar.turns },
    indicators: sc.indicators
      .filter((i) => role.kind === 'facilitator' || p >= 0 || !hidden.has(i.id))
      .map((i) => ({ id: i.id, label: i.label, min: i.min, max: i.max, key: i.key, ...(i.unit ? { unit: i.unit } : {}) })),
    parties: sc.parties.map((q) => ({ id: q.id, name: q.name, seat: q.seat })),
    teams: game.setup.teams,
    ...(role.kind === 'facilitator' ? { events: sc.events.map((e) => ({ id: e.id, label: e.label })) } : {}),
  };
}

function common(game: WorkshopGame): Record<string, unknown> {
  const s = game.session;
  return {
    type: 'state',
    node: s.head.id,
    turn: s.head.turn,
    date: stateDate(s.state),
    ended: s.state.ended,
    paused: game.paused,
    resolving: game.resolving !== null,
    ready: game.ready(),
  };
}

function offered(effects: OfferedEffect[], hidden: Set<string>): OfferedEffect[] {
  return visibleEffects(effects, hidden);
}

function stripLog(log: TurnLog): Omit<TurnLog, 'stateHash'> {
  const { stateHash: _omit, ...rest } = log;
  return rest;
}

/** A team's frame: its party's view, its last turn as told to it, its offers, its own choice and answers. */
export function teamState(game: WorkshopGame, party: string): Record<string, unknown> {
  const sc = game.scenario;
  const s = game.session;
  const p = game.partyIndex(party);
  const hidden = hiddenFor(sc, p);
  const ctx = game.context();
  const decision = ctx?.parties[p];
  return {
    ...common(game),
    view: viewOf(sc, s.state, p),
    news: s.head.log ? stripLog(logFor(sc, s.head.log, p, s.state)) : null,
    offers: (decision?.offers ?? []).map((o) => ({
      move: o.move,
      label: o.label,
      chance: o.chance,
      effects: offered(o.effects, hidden),
      failure: offered(o.failure, hidden),
    })),
    chosen: game.staged.choices[party] ?? null,
    pending: game.pending
      .filter((q) => q.party === party)
      .map((q) => ({ ...q, options: q.options.map((o) => ({ ...o, effects: visibleEffects(o.effects, hidden) })) })),
    replies: game.staged.replies[party] ?? {},
  };
}

/** The public record of a turn: what every party may know (for the projector); the engine's `logFor` with PUBLIC. */
function publicLog(sc: CompiledScenario, log: TurnLog, after: GameState): Omit<TurnLog, 'stateHash'> {
  const { stateHash: _h, messages: _m, ...rest } = logFor(sc, log, PUBLIC, after);
  return rest;
}

/** The projector: indicators every party may see, public postures, relations, the public news. */
export function spectatorState(game: WorkshopGame): Record<string, unknown> {
  const sc = game.scenario;
  const s = game.session;
  const hidden = hiddenFor(sc, null);
  const ind = namedIndicators(sc, s.state);
  const post = namedPostures(sc, s.state);
  return {
    ...common(game),
    indicators: Object.fromEntries(Object.entries(ind).filter(([id]) => !hidden.has(id))),
    relations: namedRelations(sc, s.state),
    postures: Object.fromEntries(sc.parties.map((q) => [q.id, q.postureVisibleTo === null ? post[q.id]! : null])),
    news: s.head.log ? publicLog(sc, s.head.log, s.state) : null,
  };
}

/** The facilitator sees the truth, every staged input, the tree and the codes. */
export function facilitatorState(game: WorkshopGame, codes: ReadonlyMap<string, string>): Record<string, unknown> {
  const sc = game.scenario;
  const s = game.session;
  return {
    ...common(game),
    hash: s.head.hash,
    indicators: namedIndicators(sc, s.state),
    relations: namedRelations(sc, s.state),
    postures: namedPostures(sc, s.state),
    news: s.head.log,
    staged: game.staged,
    pending: game.pending,
    offers: Object.fromEntries(
      game.setup.teams.map((t) => [t, (game.context()?.parties[game.partyIndex(t)]?.offers ?? []).map((o) => ({ move: o.move, label: o.label }))]),
    ),
    nodes: s.nodes.map((n) => ({ id: n.id, parent: n.parent, turn: n.turn, hash: n.hash, ...(n.note !== undefined ? { note: n.note } : {}) })),
    branches: s.branches(),
    codes: Object.fromEntries(codes),
  };
}

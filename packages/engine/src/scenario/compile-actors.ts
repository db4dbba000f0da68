/**
 * Links what makes parties actors, once every party, move and indicator has an
 * index: messages (with their terms, rejection effects and commitments), the
 * moves that send and answer them, exclusions between moves, private
 * indicators with each party's beliefs, and transitions on receiving a
 * message. Reports each problem as a located issue, as the rest of the compiler.
 */
import { didYouMean } from '../util/suggest.js';
import type { CompiledMessage, CompiledScenario } from './compiled.js';
import type { ScenarioCompiler } from './compile.js';
import type { ScenarioDoc } from './schema.js';

type Path = (string | number)[];

/** The parties named in a visibility list, as a mask (the owner always sees). */
function mask(c: ScenarioCompiler, ids: readonly string[] | undefined, n: number, owner: number, path: Path): boolean[] | null {
  if (ids === undefined) return null;
  const out = new Array<boolean>(n).fill(false);
  if (owner >= 0) out[owner] = true;
  ids.forEach((id, i) => {
    const p = c.partyIndex(id, [...path, i]);
    if (p >= 0) out[p] = true;
  });
  return out;
}

export function linkActors(c: ScenarioCompiler, doc: ScenarioDoc, s: CompiledScenario): void {
  const n = s.parties.length;
  const partyIds = s.parties.map((p) => p.id);

  // Messages.
  const messageIds = new Map<string, number>();
  s.messages = (doc.messages ?? []).map((m, i): CompiledMessage => {
    const p: Path = ['messages', i];
    if (messageIds.has(m.id)) c.issue('duplicate-id', [...p, 'id'], `duplicate message id "${m.id}": messages[${messageIds.get(m.id)}] has it too`);
    else messageIds.set(m.id, i);
    let commitment: CompiledMessage['commitment'] = null;
    if (m.commitment) {
      const breaks: { party: number; moves: number[] }[] = [];
      for (const [party, moves] of Object.entries(m.commitment.breaks)) {
        const bp = [...p, 'commitment', 'breaks', party];
        const pi = c.partyIndex(party, bp, { preferKey: true });
        if (pi < 0) continue;
        const own = s.parties[pi]!.moves.map((x) => x.id);
        const local: number[] = [];
        moves.forEach((mv, j) => {
          const k = own.indexOf(mv);
          if (k < 0) c.issue('unknown-move', [...bp, j], `unknown move "${mv}" of ${party}${didYouMean(mv, own)}`);
          else local.push(k);
        });
        breaks.push({ party: pi, moves: local });
      }
      commitment = { turns: m.commitment.turns, breaks, cost: c.effects(m.commitment.cost, [...p, 'commitment', 'cost']) };
    }
    return {
      id: m.id,
      label: m.label,
      ...(m.description === undefined ? {} : { description: m.description }),
      kind: m.kind,
      index: i,
      terms: c.effects(m.terms ?? {}, [...p, 'terms']),
      onReject: c.effects(m.on_reject ?? {}, [...p, 'on_reject']),
      commitment,
      cite: c.cites(m.cite, [...p, 'cite']),
    };
  });
  const messageIndex = (id: string, path: Path): number => {
    const k = messageIds.get(id);
    if (k === undefined) {
      const known = [...messageIds.keys()];
      c.issue('unknown-message', path, `unknown message "${id}"${didYouMean(id, known)}; ${known.length > 0 ? `messages are ${known.join(', ')}` : 'declare it under messages'}`);
      return -1;
    }
    return k;
  };

  // Moves: sends, reactions, exclusions, secrecy.
  s.parties.forEach((party, pi) => {
    const pdoc = doc.parties[party.id]!;
    party.moves.forEach((move, k) => {
      const m = pdoc.moves[k]!;
      const mp: Path = ['parties', party.id, 'moves', k];
      move.sends = (m.sends ?? []).flatMap((send, j) => {
        const message = messageIndex(send.message, [...mp, 'sends', j, 'message']);
        const to: number[] = [];
        send.to.forEach((id, t) => {
          const r = c.partyIndex(id, [...mp, 'sends', j, 'to', t]);
          if (r === pi) c.issue('self-message', [...mp, 'sends', j, 'to', t], `${party.id} cannot send a message to itself`);
          else if (r >= 0 && !to.includes(r)) to.push(r);
        });
        return message >= 0 && to.length > 0 ? [{ message, to }] : [];
      });
      move.reactsTo = (m.reacts_to ?? []).map((id, j) => messageIndex(id, [...mp, 'reacts_to', j])).filter((x) => x >= 0);
      if (m.excludes) {
        const moves: number[] = [];
        m.excludes.moves.forEach((ref, j) => {
          const dot = ref.indexOf('.');
          const owner = dot < 0 ? pi : partyIds.indexOf(ref.slice(0, dot));
          const id = dot < 0 ? ref : ref.slice(dot + 1);
          const at: Path = [...mp, 'excludes', 'moves', j];
          if (owner < 0) {
            c.issue('unknown-party', at, `unknown party "${ref.slice(0, dot)}" in "${ref}"${didYouMean(ref.slice(0, dot), partyIds)}; write move or party.move`);
            return;
          }
          const ids = s.parties[owner]!.moves.map((x) => x.id);
          const local = ids.indexOf(id);
          if (local < 0) {
            c.issue('unknown-move', at, `unknown move "${id}" of ${partyIds[owner]}${didYouMean(id, ids)}`);
            return;
          }
          moves.push(s.symbols.moveOffset[owner]! + local);
        });
        move.excludes = { moves, turns: m.excludes.turns };
      }
      move.visibleTo = mask(c, m.visible_to, n, pi, [...mp, 'visible_to']);
    });
    party.postureVisibleTo = mask(c, pdoc.posture_visible_to, n, pi, ['parties', party.id, 'posture_visible_to']);
  });
  const byGlobal = s.parties.flatMap((p) => p.moves);
  for (const move of byGlobal) for (const g of move.excludes?.moves ?? []) byGlobal[g]!.excludedBy.push({ move: move.global, turns: move.excludes!.turns });

  // Private indicators and beliefs.
  const indicatorIds = s.indicators.map((i) => i.id);
  s.indicators.forEach((ind, i) => {
    const d = doc.indicators[ind.id]!;
    ind.of = d.of === undefined ? -1 : c.partyIndex(d.of, ['indicators', ind.id, 'of']);
    ind.visibleTo = mask(c, d.visible_to, n, ind.of, ['indicators', ind.id, 'visible_to']);
    void i;
  });
  s.parties.forEach((party, pi) => {
    const beliefs = doc.parties[party.id]!.beliefs ?? {};
    for (const [id, b] of Object.entries(beliefs)) {
      const i = indicatorIds.indexOf(id);
      const bp: Path = ['parties', party.id, 'beliefs', id];
      if (i < 0) c.issue('unknown-indicator', bp, `unknown indicator "${id}"${didYouMean(id, indicatorIds)}`, { preferKey: true });
      else if (s.indicators[i]!.visibleTo === null || s.indicators[i]!.visibleTo![pi]) c.issue('belief-of-visible', bp, `${party.id} sees "${id}": a belief is only for an indicator the party cannot see (visible_to)`, { preferKey: true });
      else {
        const ind = s.indicators[i]!;
        if (b.prior < ind.min || b.prior > ind.max) c.issue('value-out-of-range', [...bp, 'prior'], `prior ${b.prior} is outside "${id}"'s range [${ind.min}, ${ind.max}]`);
        c.cites(b.cite, [...bp, 'cite']);
      }
    }
    party.hidden = s.indicators.flatMap((ind, i) => {
      if (ind.visibleTo === null || ind.visibleTo[pi]) return [];
      const b = Object.hasOwn(beliefs, ind.id) ? beliefs[ind.id] : undefined;
      return [{ indicator: i, prior: b?.prior ?? ind.initial, learn: b?.learn ?? 0 }];
    });
  });

  // Transitions on receiving a message are declared with the machine (compile.ts); here their events are checked to name messages.
  s.parties.forEach((party) => {
    const states = doc.parties[party.id]!.machine.states;
    for (const posture of party.postures)
      for (const event of Object.keys(states[posture]?.on ?? {})) if (event !== 'TURN') messageIndex(event, ['parties', party.id, 'machine', 'states', posture, 'on', event]);
  });

  s.features = {
    messages: s.messages.length > 0,
    exclusions: byGlobal.some((m) => m.excludes !== null),
    beliefs: s.parties.some((p) => p.hidden.length > 0),
  };
  // Replies draw from streams of their own, so a scenario without messages keeps its streams (and hashes).
  if (s.features.messages) s.streams.push(...partyIds.map((p) => `react:${p}`));
}

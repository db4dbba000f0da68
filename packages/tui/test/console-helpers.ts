/** The facilitator's console reducer in tests: a fresh session and context, and keys fed as the edge would. */
import { Session } from '@wargame/engine';
import { initialConsole, reduceConsole, splitKeys, type ConsoleContext, type ConsoleEvent, type ConsoleResult, type ConsoleState, type FacKey } from '../src/app/facilitate/console-state.js';
import { effectTargets } from '../src/app/facilitate/effects-draft.js';
import { shipped } from './helpers.js';

/** A console on a new session of a shipped scenario (seed 3), with these parties played by teams; no turn begun yet. */
export function consoleSetup(teamIds: string[] = [], scenarioId = 'peace-tracks') {
  const scenario = shipped(scenarioId);
  const created = Session.create(scenario, { seed: '3' });
  if (!created.ok) throw new Error(created.error.message);
  const ctx: ConsoleContext = {
    scenario,
    teams: teamIds.map((id) => scenario.parties.findIndex((p) => p.id === id)),
    targets: effectTargets(scenario),
    savePath: 'w.save.json',
    session: created.session,
    page: 5,
    now: 0,
  };
  return { scenario, session: created.session, ctx, state: initialConsole({ ok: true }, undefined, 'w.save.json') };
}

/** Feeds keys (a string is typed character by character, as the edge splits it) and returns the last result; effects are not run. */
export function feedKeys(state: ConsoleState, ctx: ConsoleContext, ...ks: (string | FacKey)[]): ConsoleResult {
  let r: ConsoleResult = { state };
  for (const k of ks) {
    const events: ConsoleEvent[] = typeof k === 'string' ? splitKeys(k, {}).map((x) => ({ type: 'key', ...x })) : [{ type: 'key', input: '', key: k }];
    for (const e of events) r = reduceConsole(r.state, e, ctx);
  }
  return r;
}

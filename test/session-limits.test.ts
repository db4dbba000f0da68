/** Sessions and saves are bounded (docs/limits.md): a stranger's save cannot make loading take minutes. */
import { describe, expect, it } from 'vitest';
import { loadSession, MAX_INJECTS_PER_TURN, MAX_SESSION_NODES, saveSession, Session, stepTurn } from '@wargame/engine';
import { load } from './helpers/scenarios.js';

const scenario = load('test/fixtures/scenarios/two-party.yaml');

describe('session limits', () => {
  it(`refuses a save of more than ${MAX_SESSION_NODES} nodes before replaying any`, () => {
    const r = Session.create(scenario, { seed: '1' });
    if (!r.ok) throw new Error(r.error.message);
    const save = saveSession(r.session);
    const root = save.nodes[0]!;
    // Siblings of turn 1, all claiming the same hash: replay would take a while; the cap refuses them first.
    const sibling = { id: 0, parent: 0, turn: 1, inputs: {}, hash: 'x' };
    save.nodes = [root, ...Array.from({ length: MAX_SESSION_NODES }, (_, i) => ({ ...sibling, id: i + 1 }))];
    const started = performance.now();
    const loaded = loadSession(scenario, JSON.stringify(save));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error.code).toBe('save/invalid');
      expect(loaded.error.message).toContain(`at most ${MAX_SESSION_NODES} turns`);
    }
    // Refused by its shape, not after replaying thousands of turns.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops a session from growing past what a save may hold', () => {
    const r = Session.create(scenario, { seed: '2' });
    if (!r.ok) throw new Error(r.error.message);
    const s = r.session;
    // Fill the tree with forks at turn 0 (the fixture plays 6 turns, so a line alone would end first).
    let last: ReturnType<Session['advance']> | undefined;
    for (let i = 0; i < MAX_SESSION_NODES; i++) {
      s.rewind(0);
      last = s.advance({ note: `fork ${i}` });
      if (!last.ok) break;
    }
    expect(s.nodes.length).toBe(MAX_SESSION_NODES);
    expect(last?.ok).toBe(false);
    if (last && !last.ok) expect(last.error.code).toBe('session/full');
  });

  it(`refuses more than ${MAX_INJECTS_PER_TURN} injects in one turn`, () => {
    const r = Session.create(scenario, { seed: '3' });
    if (!r.ok) throw new Error(r.error.message);
    const inject = Array.from({ length: MAX_INJECTS_PER_TURN + 1 }, () => ({ event: 'shock' }));
    const t = stepTurn(scenario, r.session.state, { inject });
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.error.message).toContain(`at most ${MAX_INJECTS_PER_TURN} injected events`);
    expect(stepTurn(scenario, r.session.state, { inject: inject.slice(1) }).ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { loadSession, saveSession, Session, stepTurn, createInitialState, stateHash, type GameState } from '@wargame/engine';
import { load } from './helpers/scenarios.js';

const scenario = load('test/fixtures/scenarios/two-party.yaml');

function session(seed = '42'): Session {
  const r = Session.create(scenario, { seed });
  if (!r.ok) throw new Error(r.error.message);
  return r.session;
}

function play(s: Session, turns: number): string[] {
  const hashes: string[] = [];
  for (let i = 0; i < turns; i++) {
    const r = s.advance({});
    if (!r.ok) throw new Error(r.error.message);
    hashes.push(r.log.stateHash);
  }
  return hashes;
}

describe('sessions', () => {
  it('keeps every turn in its history and the head at the last', () => {
    const s = session();
    play(s, 4);
    expect(s.head.turn).toBe(4);
    expect(s.history().map((t) => t.turn)).toEqual([1, 2, 3, 4]);
    expect(s.state.turn).toBe(4);
  });

  it('rewinds to an earlier turn and replays it identically', () => {
    const s = session();
    const hashes = play(s, 5);
    expect(s.rewind(2)).toEqual({ ok: true });
    expect(s.head.turn).toBe(2);
    expect(s.head.hash).toBe(hashes[1]);
    // Playing the same inputs again moves onto the existing node rather than duplicating it.
    const again = play(s, 3);
    expect(again).toEqual(hashes.slice(2));
    expect(s.nodes).toHaveLength(6);
  });

  it('refuses to rewind past the start or beyond the head', () => {
    const s = session();
    play(s, 2);
    const r = s.rewind(5);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toBe('cannot rewind to turn 5: the head is at turn 2');
    expect(s.rewind(-1).ok).toBe(false);
  });

  it('a fork leaves the parent branch untouched', () => {
    const s = session();
    const original = play(s, 5);
    const before = JSON.stringify(s.path().map((n) => [n.id, n.hash]));
    const fork = s.fork(2, { inject: [{ event: 'shock' }] });
    expect(fork.ok).toBe(true);
    expect(s.head.turn).toBe(3);
    expect(s.head.hash).not.toBe(original[2]);
    const branches = s.branches();
    expect(branches).toHaveLength(2);
    expect(branches[1]).toMatchObject({ forkedAt: 2, turns: 3, isHead: true });
    // Switch back: the first branch is exactly as it was.
    expect(s.checkout(branches[0]!.leaf).ok).toBe(true);
    expect(JSON.stringify(s.path().map((n) => [n.id, n.hash]))).toBe(before);
    expect(s.path().slice(1).map((n) => n.hash)).toEqual(original);
    expect(s.branches().map((b) => b.isHead)).toEqual([true, false]);
    // After a rewind into the second branch's own turns, that branch is still the head's.
    expect(s.checkout(branches[1]!.leaf).ok).toBe(true);
    play(s, 2);
    expect(s.rewind(4).ok).toBe(true);
    expect(s.head.turn).toBe(4);
    expect(s.branches().map((b) => b.isHead)).toEqual([false, true]);
  });

  it('a human choice that is not available comes back as an error, not an exception', () => {
    const s = session();
    // "shout" needs the angry posture; A starts calm.
    const r = s.advance({ choices: { a: 'shout' } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'move/unavailable', party: 'a', available: ['talk'] });
    expect(s.head.turn).toBe(0);
    const unknown = s.advance({ choices: { c: 'talk' } });
    expect(!unknown.ok && unknown.error.code).toBe('party/unknown');
    const noMove = s.advance({ choices: { a: 'dance' } });
    expect(!noMove.ok && noMove.error.message).toBe('a has no move "dance"; its moves are talk, shout');
  });

  it('human choices drive a party instead of the policy', () => {
    const s = session();
    const r = s.advance({ choices: { b: 'hold' } });
    expect(r.ok && r.log.parties[1]).toMatchObject({ party: 'b', controller: 'human', move: 'hold' });
  });

  it('a saved and reloaded session continues bit-identically', () => {
    const s = session('7');
    play(s, 3);
    s.annotate('after three turns');
    const text = JSON.stringify(saveSession(s));
    const loaded = loadSession(scenario, text);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.session.state).toEqual(s.state);
    expect(loaded.session.head.note).toBe('after three turns');
    expect(play(loaded.session, 3)).toEqual(play(s, 3));
  });

  it('a save keeps every branch and the head', () => {
    const s = session();
    play(s, 4);
    s.fork(1, { choices: { b: 'hold' } });
    const loaded = loadSession(scenario, JSON.stringify(saveSession(s)));
    expect(loaded.ok && loaded.session.branches()).toEqual(s.branches());
    expect(loaded.ok && loaded.session.head.id).toBe(s.head.id);
  });

  it('replay of a save verifies the hash at every turn', () => {
    const s = session();
    play(s, 4);
    const save = saveSession(s);
    save.nodes[3]!.hash = '0000000000000000';
    const r = loadSession(scenario, JSON.stringify(save));
    expect(!r.ok && r.error.code).toBe('save/replay');
    expect(!r.ok && r.error.message).toMatch(/^node 3 \(turn 3\): the replayed state hash [0-9a-f]{16} differs from the saved 0000000000000000/);
  });

  it('refuses saves that are damaged, from another scenario version, or from a newer format', () => {
    const s = session();
    play(s, 2);
    const save = saveSession(s);
    expect(loadSession(scenario, '{"format": "wargame-session", ')).toMatchObject({ ok: false, error: { code: 'save/not-json' } });
    expect(loadSession(scenario, '[1,2]')).toMatchObject({ ok: false, error: { code: 'save/not-a-save' } });
    expect(loadSession(scenario, JSON.stringify({ ...save, version: 9 }))).toMatchObject({
      ok: false,
      error: { code: 'save/version', message: 'the save is format version 9, made by a newer wargame; this one reads up to version 1: upgrade wargame to open it' },
    });
    expect(loadSession(scenario, JSON.stringify({ ...save, scenario: { ...save.scenario, hash: 'ffffffffffffffff' } }))).toMatchObject({
      ok: false,
      error: { code: 'save/scenario' },
    });
    expect(loadSession(scenario, JSON.stringify({ ...save, nodes: [{ id: 0 }] }))).toMatchObject({ ok: false, error: { code: 'save/invalid' } });
    expect(loadSession(scenario, JSON.stringify({ ...save, seed: 'other' }))).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('the seed or parameters were changed') },
    });
    // A hand-edited input that the engine refuses is reported with its node.
    const edited = JSON.parse(JSON.stringify(save));
    edited.nodes[1].inputs = { choices: { a: 'fly' } };
    expect(loadSession(scenario, JSON.stringify(edited))).toMatchObject({ ok: false, error: { message: expect.stringContaining('node 1 (turn 1): its inputs are refused') } });
  });
});

describe('common random numbers', () => {
  it("changing one party's choice does not change another party's random draws", () => {
    const init = createInitialState(scenario, { seed: '99' });
    if (!init.ok) throw new Error(init.error.message);
    const trade = stepTurn(scenario, init.state, { choices: { b: 'trade' } });
    const hold = stepTurn(scenario, init.state, { choices: { b: 'hold' } });
    if (!trade.ok || !hold.ok) throw new Error('step failed');
    const streams = scenario.streams;
    const aStreams = (st: GameState) => streams.map((n, i) => [n, st.rng[i]]).filter(([n]) => String(n).endsWith(':a'));
    // A's streams and draws are the same whatever B chose…
    expect(aStreams(trade.state)).toEqual(aStreams(hold.state));
    expect(trade.log.parties[0]!.reason.options).toEqual(hold.log.parties[0]!.reason.options);
    // …and the states differ only through B's move.
    expect(stateHash(trade.state)).not.toBe(stateHash(hold.state));
  });
});

describe('an injected scheduled event', () => {
  it('is consumed: injected before its date, it does not fire again at its date (issue 14, bug 1)', () => {
    const made = Session.create(scenario, { seed: '3' });
    if (!made.ok) throw new Error(made.error.message);
    const s = made.session;
    const fired: { turn: number; kind: string }[] = [];
    const note = (r: ReturnType<Session['advance']>) => {
      if (!r.ok) throw new Error(r.error.message);
      for (const e of r.log.events) if (e.id === 'shock') fired.push({ turn: r.log.turn, kind: e.kind });
    };
    note(s.advance({ inject: [{ event: 'shock' }] })); // 2021-11
    for (let t = 0; t < 4; t++) note(s.advance()); // through 2022-02, the shock's date
    expect(fired).toEqual([{ turn: 1, kind: 'injected' }]);
    // Not injected, it fires at its date as scheduled.
    const plain = Session.create(scenario, { seed: '3' });
    if (!plain.ok) throw new Error(plain.error.message);
    const dates: string[] = [];
    for (let t = 0; t < 5; t++) {
      const r = plain.session.advance();
      if (!r.ok) throw new Error(r.error.message);
      if (r.log.events.some((e) => e.id === 'shock' && e.kind === 'scheduled')) dates.push(r.log.date);
    }
    expect(dates).toEqual(['2022-02']);
  });
});

describe('turn logs', () => {
  it('name only the relations that changed, and the changes are the difference of the states', () => {
    const flagship = load('scenarios/south-caucasus');
    const r = Session.create(flagship, { seed: '11' });
    if (!r.ok) throw new Error(r.error.message);
    const s = r.session;
    const pairs = flagship.relations.pairs.map(([a, b]) => `${flagship.parties[a]!.id}-${flagship.parties[b]!.id}`);
    let logged = 0;
    for (let t = 0; t < 24; t++) {
      const before = s.state.rel.slice();
      const step = s.advance({});
      if (!step.ok) throw new Error(`${step.error.message} (replay: wargame run south-caucasus --seed 11)`);
      const expected: Record<string, number> = {};
      pairs.forEach((name, k) => {
        const d = s.state.rel[k]! - before[k]!;
        if (Math.abs(d) > 1e-9) expected[name] = Math.round(d * 1e6) / 1e6;
      });
      expect(step.log.relationChanges, `turn ${t + 1}`).toEqual(expected);
      logged += Object.keys(step.log.relationChanges).length;
    }
    // The log grows with what changes, not with every pair each turn.
    expect(logged).toBeGreaterThan(0);
    expect(logged).toBeLessThan(24 * pairs.length);
  });
});

describe('branches', () => {
  const hold = { choices: { b: 'hold' } };
  const trade = { choices: { b: 'trade' } };
  const ok = <T extends { ok: boolean }>(r: T): T => {
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r;
  };

  it('keep their number and name for life: playing on after forks elsewhere does not renumber them (issue 14, bug 2)', () => {
    const s = session('7');
    for (let i = 0; i < 5; i++) ok(s.advance(hold));
    s.annotate('the main line');
    const main = s.branches()[0]!;
    ok(s.nameBranch(main.start, 'As it happened'));
    // Rewind to turn 3 and play other inputs: branch 2.
    ok(s.rewind(3));
    ok(s.advance(trade));
    // Fork at turn 2: branch 3.
    ok(s.fork(2, trade));
    expect(s.branches().map((b) => [b.start, b.forkedAt])).toEqual([
      [0, 0],
      [expect.any(Number), 3],
      [expect.any(Number), 2],
    ]);
    // Back to branch 1 and one more turn on it.
    ok(s.checkout(main.leaf));
    ok(s.advance(hold));
    const after = s.branches();
    expect(after[0]).toMatchObject({ start: 0, forkedAt: 0, turns: 6, isHead: true, name: 'As it happened' });
    expect(after.slice(1).map((b) => b.forkedAt)).toEqual([3, 2]);
    expect(s.path(after[0]!.leaf).some((n) => n.note === 'the main line')).toBe(true);
    // Names and numbers survive the save.
    const loaded = loadSession(scenario, JSON.stringify(saveSession(s)));
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.session.branches()).toEqual(after);
  });

  it('names are cleaned: control characters dropped, cut to the limit, an empty name clears', () => {
    const s = session('7');
    ok(s.advance(hold));
    ok(s.nameBranch(0, `a\u001b[2Jb${'x'.repeat(100)}`));
    const name = s.branches()[0]!.name!;
    expect(name.startsWith('a [2Jb')).toBe(true);
    expect([...name].length).toBe(60);
    ok(s.nameBranch(0, '  '));
    expect(s.branches()[0]!.name).toBeUndefined();
    expect(s.nameBranch(1, 'x').ok).toBe(false);
  });
});

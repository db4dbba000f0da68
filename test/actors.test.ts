/**
 * Parties as actors: messages answered within the turn, agreements and
 * commitments, private information, planning, exclusions — deterministic,
 * bounded, the same on the batch path, and refused when malformed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beginTurn,
  compileScenarioDoc,
  createInitialState,
  evaluateOutcomes,
  fastRun,
  formatIssue,
  loadScenario,
  loadSession,
  MAX_HORIZON,
  MAX_REACTION_ROUNDS,
  prepareFastRun,
  runGame,
  saveSession,
  ScenarioSchema,
  Session,
  stateHash,
  stepTurn,
  type CompiledScenario,
  type GameState,
  type TurnLog,
} from '@wargame/engine';
import { load, scenarioFiles } from './helpers/scenarios.js';

const sochi = load('scenarios/sochi-2021');
const fixture = load('test/fixtures/scenarios/actors.yaml');

function variant(path: string, edit: (text: string) => string): CompiledScenario {
  const [file] = scenarioFiles(path);
  const r = loadScenario([{ name: file!.name, text: edit(file!.text) }]);
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.scenario;
}

function issuesOf(path: string, edit: (text: string) => string): string[] {
  const [file] = scenarioFiles(path);
  const r = loadScenario([{ name: file!.name, text: edit(file!.text) }]);
  return r.ok ? [] : r.issues.map(formatIssue);
}

function start(s: CompiledScenario, seed: string): GameState {
  const r = createInitialState(s, { seed });
  if (!r.ok) throw new Error(r.error.message);
  return r.state;
}

const exchanges = (turns: TurnLog[]) => turns.flatMap((t) => (t.messages ?? []).map((m) => `${t.turn} ${m.from}>${m.to} ${m.message}: ${m.reply}`));

describe('messages and replies', () => {
  it('are deterministic: the same seed gives the same exchange, and seeds diverge', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const a = runGame(sochi, { seed: `m.${seed}` });
      const b = runGame(sochi, { seed: `m.${seed}` });
      if (!a.ok || !b.ok) throw new Error('run failed');
      expect(exchanges(b.run.turns)).toEqual(exchanges(a.run.turns));
      expect(b.run.finalHash).toBe(a.run.finalHash);
      seen.add(exchanges(a.run.turns).join('\n'));
    }
    // Proposals are made and answered both ways across seeds.
    expect(seen.size).toBeGreaterThan(3);
    const all = [...seen].join('\n');
    expect(all).toContain('sochi_package: accept');
    expect(all).toContain('sochi_package: reject');
  });

  it('the batch path plays the same games as the full engine (messages, commitments, beliefs, planning, exclusions)', () => {
    for (const s of [sochi, fixture]) {
      const plan = prepareFastRun(s);
      for (let seed = 0; seed < 25; seed++) {
        const full = runGame(s, { seed: `b.${seed}`, hash: false });
        const fast = fastRun(plan, { seed: `b.${seed}` });
        if (!full.ok || !fast.ok) throw new Error('run failed');
        expect(fast.state, `wargame run ${s.id} --seed b.${seed}`).toEqual(full.run.final);
      }
    }
  });

  it('a person answers a message addressed to the party they play: the turn waits for the answer, then takes it', () => {
    let state = start(fixture, 'human');
    // B is played by a person (its move is chosen); A offers the deal.
    const asked = stepTurn(fixture, state, { choices: { a: 'offer', b: 'wait' } });
    expect(asked.ok).toBe(false);
    if (asked.ok) return;
    expect(asked.error.code).toBe('reply/needed');
    expect(asked.error.pending?.map((p) => [p.party, p.message, p.options.map((o) => o.reply)])).toEqual([['b', 'deal', ['accept', 'reject']]]);
    const accepted = stepTurn(fixture, state, { choices: { a: 'offer', b: 'wait' }, replies: { b: { deal: 'accept' } } });
    if (!accepted.ok) throw new Error(accepted.error.message);
    expect(accepted.log.messages?.[0]).toMatchObject({ message: 'deal', from: 'a', to: 'b', reply: 'accept', controller: 'human' });
    state = accepted.state;
    expect(evaluateOutcomes(fixture, state)['dealt']).toEqual({ value: true, firstTurn: 1 });
    // Breaking the commitment next turn costs what the message says.
    const trust = fixture.indicators.findIndex((i) => i.id === 'trust');
    const broke = stepTurn(fixture, state, { choices: { a: 'grab', b: 'defect' } });
    if (!broke.ok) throw new Error(broke.error.message);
    expect(broke.log.breaches).toEqual([{ party: 'b', message: 'deal', effects: [{ key: 'trust', op: 'add', amount: -10 }] }]);
    expect(broke.state.ind[trust]).toBe(Math.max(0, state.ind[trust]! - 10));
    expect(evaluateOutcomes(fixture, broke.state)['broke']).toEqual({ value: true, firstTurn: 2 });
  });

  it('a move a facilitator rules a failure sends nothing: its ruled effects apply, it counts as failed; ruled a success, it sends', () => {
    const state = start(fixture, 'ruled');
    const failed = stepTurn(fixture, state, { choices: { a: 'offer', b: 'wait' }, adjudicate: { a: {} }, failed: ['a'] });
    if (!failed.ok) throw new Error(failed.error.message);
    expect(failed.log.parties.find((p) => p.party === 'a')).toMatchObject({ move: 'offer', success: false, adjudicated: true, effects: [] });
    expect(failed.log.messages ?? []).toEqual([]);
    const succeeded = stepTurn(fixture, state, { choices: { a: 'offer', b: 'wait' }, adjudicate: { a: {} }, replies: { b: { deal: 'reject' } } });
    if (!succeeded.ok) throw new Error(succeeded.error.message);
    expect(succeeded.log.parties.find((p) => p.party === 'a')).toMatchObject({ success: true, adjudicated: true });
    expect(succeeded.log.messages?.[0]).toMatchObject({ message: 'deal', from: 'a', to: 'b', reply: 'reject' });
    // A failure needs a ruling to fail with, and a real party.
    const bare = stepTurn(fixture, state, { choices: { a: 'offer', b: 'wait' }, failed: ['a'] });
    expect(!bare.ok && bare.error.message).toBe('failed names a, but adjudicate has no ruling for it: a failure is ruled with the effects it has (its failure effects, or {})');
    const unknown = stepTurn(fixture, state, { choices: { a: 'offer', b: 'wait' }, adjudicate: { a: {} }, failed: ['z'] });
    expect(!unknown.ok && unknown.error.code).toBe('party/unknown');
  });

  it('refuses an answer to a message that was never sent, and an answer the party cannot give', () => {
    const state = start(fixture, 'never');
    const unsent = stepTurn(fixture, state, { choices: { a: 'grab', b: 'wait' }, replies: { b: { deal: 'accept' } } });
    expect(unsent.ok).toBe(false);
    if (!unsent.ok) expect(unsent.error).toMatchObject({ code: 'reply/unexpected', party: 'b' });
    const unknown = stepTurn(fixture, state, { replies: { b: { no_such: 'accept' } } });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toContain('unknown message "no_such"');
    const bad = stepTurn(fixture, state, { choices: { a: 'offer', b: 'wait' }, replies: { b: { deal: 'grab' } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'reply/invalid' });
  });

  it('saves, reloads and replays a session with agreements, and forks after a proposal', () => {
    const r = Session.create(fixture, { seed: 'save' });
    if (!r.ok) throw new Error(r.error.message);
    const s = r.session;
    const step = (inputs: Parameters<Session['advance']>[0]) => {
      const a = s.advance(inputs);
      if (!a.ok) throw new Error(a.error.message);
      return a;
    };
    step({ choices: { a: 'offer', b: 'wait' }, replies: { b: { deal: 'accept' } } });
    step({});
    const saved = JSON.stringify(saveSession(s));
    const loaded = loadSession(fixture, saved);
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.session.head.hash).toBe(s.head.hash);
    expect(loaded.session.state.agreed).toEqual(s.state.agreed);
    // Fork after the proposal: the same turn with the deal rejected.
    const fork = s.fork(0, { choices: { a: 'offer', b: 'wait' }, replies: { b: { deal: 'reject' } } });
    if (!fork.ok) throw new Error(fork.error.message);
    expect(fork.log.messages?.[0]?.reply).toBe('reject');
    expect(evaluateOutcomes(fixture, s.state)['dealt']).toEqual({ value: false });
    expect(s.branches()).toHaveLength(2);
  });
});

describe('the reaction phase', () => {
  /** Parties that answer every message with a reaction that sends another: cycles of any shape. */
  const cyclic = fc.record({
    parties: fc.integer({ min: 2, max: 4 }),
    messages: fc.integer({ min: 1, max: 3 }),
    links: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }),
    seed: fc.nat(),
  });

  it(`always ends: cyclic proposals are cut after ${MAX_REACTION_ROUNDS} rounds and reported unanswered`, () => {
    fc.assert(
      fc.property(cyclic, ({ parties, messages, links, seed }) => {
        const ids = Array.from({ length: parties }, (_, i) => `p${i}`);
        const msgs = Array.from({ length: messages }, (_, i) => `m${i}`);
        const cite = [{ source: 'a.txt', quote: 'a quote long enough' }];
        const doc = {
          id: 'cycles',
          title: 'cycles',
          description: 'd',
          sources: [{ file: 'a.txt' }],
          calendar: { start: '2022-01', turns: 3 },
          indicators: { x: { label: 'X', min: 0, max: 100, initial: 50 } },
          messages: msgs.map((id) => ({ id, label: id, kind: 'proposal', terms: { x: 1 }, cite })),
          parties: Object.fromEntries(
            ids.map((id, p) => [
              id,
              {
                name: id,
                seat: id,
                temperature: 0.5,
                interests: [{ id: 'x', text: 'x', weight: 1, wants: { raise: 'x' }, cite }],
                machine: { initial: 's', states: { s: {} } },
                moves: [
                  { id: 'open', label: 'open', sends: [{ message: msgs[p % messages]!, to: [ids[(p + 1) % parties]!] }], cite },
                  // Reactions that answer a message with another message: the cycle.
                  ...links
                    .filter(([from]) => from % parties === p)
                    .map(([, to, m, n], k) => ({
                      id: `react${k}`,
                      label: 'react',
                      reacts_to: [msgs[m % messages]!],
                      effects: { x: 2 },
                      sends: [{ message: msgs[n % messages]!, to: [ids[to % parties] === id ? ids[(p + 1) % parties]! : ids[to % parties]!] }],
                      cite,
                    })),
                ],
              },
            ]),
          ),
        };
        const parsed = ScenarioSchema.safeParse(doc);
        if (!parsed.success) throw new Error(parsed.error.message);
        const { scenario, issues } = compileScenarioDoc(parsed.data);
        expect(issues).toEqual([]);
        const r = runGame(scenario, { seed: String(seed) });
        if (!r.ok) throw new Error(r.error.message);
        for (const t of r.run.turns) {
          for (const m of t.messages ?? []) {
            expect(m.round).toBeLessThanOrEqual(MAX_REACTION_ROUNDS);
            if (m.reply === null) expect(m.round).toBe(0);
          }
        }
        expect(fastRun(prepareFastRun(scenario), { seed: String(seed) }).ok).toBe(true);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe('private information', () => {
  it('a party values its moves on its own view: changing a value it cannot see changes nothing unless its belief changes', () => {
    const secret = fixture.indicators.findIndex((i) => i.id === 'secret');
    const a = fixture.parties.findIndex((p) => p.id === 'a');
    const b = fixture.parties.findIndex((p) => p.id === 'b');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.nat(), (x, y, seed) => {
        const base = start(fixture, `v.${seed}`);
        const one = { ...base, ind: base.ind.map((v, i) => (i === secret ? x : v)) };
        const two = { ...base, ind: base.ind.map((v, i) => (i === secret ? y : v)) };
        const c1 = beginTurn(fixture, one);
        const c2 = beginTurn(fixture, two);
        if (!c1.ok || !c2.ok) throw new Error('begin failed');
        // A cannot see the secret: its offers and valuation are the same whatever the truth.
        expect(c2.context.parties[a]).toEqual(c1.context.parties[a]);
        // B sees it (B's interests do not read it, so only check A's belief is what it acts on).
        expect(c1.context.parties[b]!.party).toBe('b');
      }),
      { numRuns: 40, seed: 3 },
    );
  });

  it("a belief changes the valuation, and moves toward the truth at the party's learning rate", () => {
    const secret = fixture.indicators.findIndex((i) => i.id === 'secret');
    const a = fixture.parties.findIndex((p) => p.id === 'a');
    const nInd = fixture.indicators.length;
    const base = start(fixture, 'belief');
    expect(base.belief[a * nInd + secret]).toBe(40);
    const moved = { ...base, belief: base.belief.map((v, i) => (i === a * nInd + secret ? 65 : v)) };
    const c1 = beginTurn(fixture, base);
    const c2 = beginTurn(fixture, moved);
    if (!c1.ok || !c2.ok) throw new Error('begin failed');
    const nudge = (c: typeof c1) => c.context.parties[a]!.offers.find((o) => o.move === 'nudge')!.value.utility;
    expect(nudge(c2)).not.toBe(nudge(c1));
    const after = stepTurn(fixture, base, {});
    if (!after.ok) throw new Error(after.error.message);
    // learn 0.5: halfway from 40 to the truth.
    expect(after.state.belief[a * nInd + secret]).toBeCloseTo(40 + 0.5 * (after.state.ind[secret]! - 40), 5);
  });
});

describe('planning', () => {
  const at = (h: number) => variant('test/fixtures/scenarios/actors.yaml', (t) => t.replace('horizon: 2', `horizon: ${h}`));
  const firstMove = (s: CompiledScenario) => {
    const r = stepTurn(s, start(s, 'plan'), {});
    if (!r.ok) throw new Error(r.error.message);
    return r.log.parties[0]!.move;
  };

  it('horizon 1 takes the immediate gain; horizon 2 makes the signal that pays off through the other party next turn', () => {
    expect(firstMove(at(1))).toBe('grab');
    expect(firstMove(at(2))).toBe('signal');
  });

  it('horizon 1 is the one-step policy exactly (a scenario that says horizon: 1 plays as one that says nothing)', () => {
    const silent = variant('test/fixtures/scenarios/actors.yaml', (t) => t.replace('    horizon: 2\n', ''));
    for (let seed = 0; seed < 5; seed++) {
      const x = runGame(at(1), { seed: String(seed) });
      const y = runGame(silent, { seed: String(seed) });
      if (!x.ok || !y.ok) throw new Error('run failed');
      expect(x.run.turns.map((t) => t.parties.map((p) => p.move))).toEqual(y.run.turns.map((t) => t.parties.map((p) => p.move)));
      expect(stateHash({ ...x.run.final, scenario: '' })).toBe(stateHash({ ...y.run.final, scenario: '' }));
    }
  });
});

describe('exclusive moves', () => {
  it('a move excluded by one made within its window is not offered, and the second of two simultaneous exclusive moves is void', () => {
    const s = variant('test/fixtures/scenarios/actors.yaml', (t) =>
      t.replace('- { id: grab, label: Grab, effects: { gain: 2 },', '- { id: grab, label: Grab, excludes: { moves: [b.wait], turns: 2 }, effects: { gain: 2 },'),
    );
    const state = start(s, 'x');
    const r = stepTurn(s, state, { choices: { a: 'grab', b: 'wait' } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.log.parties[1]).toMatchObject({ move: 'wait', success: false, voided: { by: 'a.grab' }, effects: [] });
    const next = beginTurn(s, r.state);
    if (!next.ok) throw new Error(next.error.message);
    expect(next.context.parties[1]!.offers.map((o) => o.move)).not.toContain('wait');
  });
});

describe('bad actor input', () => {
  const path = 'test/fixtures/scenarios/actors.yaml';
  it.each([
    ['a message to an unknown party', (t: string) => t.replace('sends: [{ message: deal, to: [b] }]', 'sends: [{ message: deal, to: [nobody] }]'), 'unknown party "nobody"'],
    ['an unknown message', (t: string) => t.replace('sends: [{ message: deal, to: [b] }]', 'sends: [{ message: dael, to: [b] }]'), 'unknown message "dael"'],
    ['terms on an unknown indicator', (t: string) => t.replace('terms: { gain: 5 }', 'terms: { gian: 5 }'), 'unknown indicator "gian"'],
    ['visibility naming an unknown party', (t: string) => t.replace('visible_to: [b]', 'visible_to: [c]'), 'unknown party "c"'],
    ['a horizon above the maximum', (t: string) => t.replace('horizon: 2', `horizon: ${MAX_HORIZON + 1}`), `a horizon of at most ${MAX_HORIZON} turns`],
    ['a belief about an indicator the party sees', (t: string) => t.replace('secret: { prior: 40, learn: 0.5 }', 'gain: { prior: 40 }'), 'a belief is only for an indicator the party cannot see'],
    ['a commitment broken by an unknown move', (t: string) => t.replace('breaks: { b: [defect] }', 'breaks: { b: [defekt] }'), 'unknown move "defekt" of b'],
    ['an exclusion of an unknown move', (t: string) => t.replace('- { id: grab, label: Grab,', '- { id: grab, label: Grab, excludes: { moves: [b.nope], turns: 2 },'), 'unknown move "nope" of b'],
  ])('%s is a located error', (_, edit, message) => {
    const issues = issuesOf(path, edit);
    expect(issues.some((i) => i.includes(message) && /actors\.yaml:\d+:\d+/.test(i)), issues.join('\n')).toBe(true);
  });
});

describe("a party's view", () => {
  it('never holds a value the party cannot see, nor messages between others', async () => {
    const { viewOf, logFor } = await import('@wargame/engine');
    const secret = fixture.indicators.findIndex((i) => i.id === 'secret');
    const a = fixture.parties.findIndex((p) => p.id === 'a');
    for (let seed = 0; seed < 10; seed++) {
      let state = start(fixture, `view.${seed}`);
      // Make the truth distinctive, so a leak would show as that number.
      state = { ...state, ind: state.ind.map((v, i) => (i === secret ? 73.125 : v)) };
      while (!state.ended) {
        const r = stepTurn(fixture, state, {});
        if (!r.ok) throw new Error(r.error.message);
        const view = viewOf(fixture, r.state, a);
        const told = logFor(fixture, r.log, a, r.state);
        expect(view.indicators[secret]!.kind).toBe('belief');
        expect(view.indicators[secret]!.value).toBe(r.state.belief[a * fixture.indicators.length + secret]);
        const text = JSON.stringify([view, told]);
        if (r.state.ind[secret] !== r.state.belief[a * fixture.indicators.length + secret]) expect(text).not.toContain(`${r.state.ind[secret]}`);
        expect(told.changes['secret']).toBeUndefined();
        state = r.state;
      }
    }
  });
});

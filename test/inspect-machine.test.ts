/** The XState machine is where a party's postures are declared; the table the kernel steps is read off it. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createInitialState,
  describeGuard,
  loadScenario,
  nextTransition,
  partyMachines,
  type CompiledParty,
  type CompiledScenario,
  type CompiledTransition,
  type GuardRef,
  type PartyEvent,
  type PostureMeta,
} from '@wargame/engine';
import { load, root, shippedIds } from './helpers/scenarios.js';
import { runCli } from './helpers/cli.js';

type Machine = CompiledParty['machine'];
type Snapshot = ReturnType<Machine['resolveState']>;
// XState as the engine has it (a dependency of the engine package, not of the tests' root).
const { createMachine, transition } = createRequire(join(root, 'packages/engine/package.json'))('xstate') as {
  createMachine: (config: unknown) => Machine;
  transition: (machine: Machine, snapshot: Snapshot, event: PartyEvent) => [Snapshot, unknown[]];
};

/** The actors fixture with a transition on receiving a message, so the machine has an event besides TURN. */
function withMessageTransition(): { text: string; scenario: CompiledScenario } {
  const text = readFileSync(join(root, 'test/fixtures/scenarios/actors.yaml'), 'utf8').replace(
    'wary: { on: { TURN: [{ target: friendly, guard: { when: "trust >= 15" } }] } }',
    'wary: { label: Wary, on: { TURN: [{ target: friendly, guard: { when: "trust >= 15" } }], deal: [{ target: friendly, guard: { when: "gain < 50" }, reason: A deal is worth a try }, { target: friendly }] } }',
  );
  const r = loadScenario([{ name: 'actors-message.yaml', text }]);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return { text, scenario: r.scenario };
}

/** What the scenario file declares for one event of a party, as table rows: target, guard text, reason, citations. */
function declaredRows(s: CompiledScenario, party: CompiledParty, event: string) {
  const states = s.doc.parties[party.id]!.machine.states;
  return party.postures.map((posture) =>
    (states[posture]!.on[event] ?? []).map((t) => ({
      to: t.target,
      guardText:
        t.guard === undefined
          ? event === 'TURN'
            ? 'always'
            : `on ${event}`
          : 'when' in t.guard
            ? t.guard.when
            : `${t.guard.type}(${Object.entries(t.guard.params)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')})`,
      guarded: t.guard !== undefined,
      reason: t.reason,
      cite: t.cite ?? [],
    })),
  );
}

function tableRows(party: CompiledParty, rows: CompiledTransition[][]) {
  return rows.map((list) => list.map((t) => ({ to: party.postures[t.to], guardText: t.guardText, guarded: t.guard !== null, reason: t.reason, cite: t.cite })));
}

describe('party machines', () => {
  for (const id of shippedIds()) {
    it(`${id}: the derived table is what the scenario declares, state for state and in order, and the machine holds it as data`, () => {
      const s = load(`scenarios/${id}`);
      const world = (() => {
        const r = createInitialState(s, { seed: '1' });
        if (!r.ok) throw new Error(r.error.message);
        return r.state;
      })();
      expect(partyMachines(s)).toEqual(s.parties.map((p) => p.machine));
      for (const party of s.parties) {
        const doc = s.doc.parties[party.id]!.machine;
        const machine = party.machine;
        expect(machine.id).toBe(party.id);
        expect(Object.keys(machine.root.states)).toEqual(party.postures);
        expect(machine.config.initial).toBe(doc.initial);
        expect(party.postures[party.initial]).toBe(doc.initial);
        // The configuration is plain data (guards are references by name with params, never closures): it survives JSON.
        expect(JSON.parse(JSON.stringify(machine.config))).toEqual(machine.config);
        party.postures.forEach((posture, i) => {
          expect((machine.root.states[posture]!.meta as PostureMeta).label).toBe(party.postureLabels[i]);
        });

        expect(tableRows(party, party.transitions)).toEqual(declaredRows(s, party, 'TURN'));
        expect(party.allTransitions.map((t) => t.index)).toEqual(party.allTransitions.map((_, k) => k));
        expect(party.allTransitions).toEqual(party.transitions.flat());
        s.messages.forEach((m, k) => {
          const fromMachine = party.postures.map((_, i) => party.onMessage[i]!.get(k) ?? []);
          expect(tableRows(party, fromMachine)).toEqual(declaredRows(s, party, m.id));
        });

        // Each table guard is the condition the machine's guard implementation evaluates for that reference.
        party.postures.forEach((posture, i) => {
          const defs = machine.root.states[posture]!.transitions.get('TURN') ?? [];
          defs.forEach((d, k) => {
            const ref = d.guard as GuardRef | undefined;
            const row = party.transitions[i]![k]!;
            expect(row.guardText).toBe(describeGuard(ref));
            if (ref === undefined) {
              expect(row.guard).toBeNull();
              return;
            }
            const implementation = machine.implementations.guards[ref.type] as (a: { event: PartyEvent }, p: unknown) => boolean;
            expect(implementation({ event: { type: 'TURN', world } }, ref.params)).toBe(row.guard!(world));
          });
        });
      }
    });
  }

  it('a named scenario guard keeps its name and params in the machine; an inline condition is a `when` guard with its text', () => {
    const armenia = load('scenarios/sochi-2021').parties.find((p) => p.id === 'armenia')!;
    const turn = (armenia.machine.config.states as Record<string, { on: { TURN: { guard?: unknown; target: string }[] } }>)['russia_reliant']!.on.TURN;
    expect(turn.map((t) => [t.target, t.guard])).toMatchInlineSnapshot(`
      [
        [
          "hedging_west",
          {
            "params": {
              "csto_below": 30,
              "rel_below": 15,
            },
            "type": "guarantee_failed",
          },
        ],
        [
          "accommodating",
          {
            "params": {
              "when": "border_tension >= 60 and eu_engagement < 45",
            },
            "type": "when",
          },
        ],
      ]
    `);
  });

  it("XState's transition() on the machine and the derived table take the same transition", () => {
    const s = load('scenarios/sochi-2021');
    const armenia = s.parties.find((p) => p.id === 'armenia')!;
    const r = createInitialState(s, { seed: '1' });
    if (!r.ok) throw new Error(r.error.message);
    const world = r.state;
    const tension = s.indicators.findIndex((i) => i.id === 'border_tension');
    world.ind[tension] = 70; // border_tension >= 60 and eu_engagement < 45: accommodating
    const viaXState = nextTransition(s, armenia, armenia.initial, world, 'xstate');
    const viaTable = nextTransition(s, armenia, armenia.initial, world, 'table');
    expect(viaXState).toBe(viaTable);
    expect(armenia.postures[viaXState!.to]).toBe('accommodating');
    // XState's own step lands in the same state.
    const [next] = transition(armenia.machine, armenia.machine.resolveState({ value: 'russia_reliant', context: {} }), { type: 'TURN', world });
    expect(next.value).toBe('accommodating');
    world.ind[tension] = 20;
    expect(nextTransition(s, armenia, armenia.initial, world, 'xstate')).toBeNull();
    expect(nextTransition(s, armenia, armenia.initial, world, 'table')).toBeNull();
  });

  it('transitions on receiving a message are events of the machine, and the table of each message is read off them', () => {
    const { scenario: s } = withMessageTransition();
    const b = s.parties.find((p) => p.id === 'b')!;
    const deal = s.messages.findIndex((m) => m.id === 'deal');
    const rows = b.onMessage[b.postures.indexOf('wary')]!.get(deal)!;
    expect(rows.map((t) => [b.postures[t.to], t.guardText, t.reason ?? null])).toEqual([
      ['friendly', 'gain < 50', 'A deal is worth a try'],
      ['friendly', 'on deal', null],
    ]);
    expect([...b.machine.root.states['wary']!.transitions.keys()]).toEqual(['TURN', 'deal']);
  });
});

describe('wargame inspect --machine', () => {
  it('prints a Mermaid state diagram with every posture and transition', () => {
    const r = runCli(['inspect', 'sochi-2021', '--machine', 'armenia']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "stateDiagram-v2
        %% Armenia: postures and transitions, as wargame declares them
        russia_reliant : Relying on Russia
        accommodating : Accommodating Baku
        hedging_west : Hedging towards the West
        [*] --> russia_reliant
        russia_reliant --> hedging_west : guarantee_failed(csto_below=30, rel_below=15)
        russia_reliant --> accommodating : border_tension #gt;= 60 and eu_engagement #lt; 45
        accommodating --> hedging_west : guarantee_failed(csto_below=35, rel_below=20)
        accommodating --> russia_reliant : border_tension #lt; 50
        hedging_west --> russia_reliant : csto_credibility #gt;= 55 and rel(armenia, russia) #gt;= 35
      "
    `);
  });

  it('shows transitions on a message with their event and guard', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-'));
    const file = join(dir, 'actors-message.yaml');
    writeFileSync(file, withMessageTransition().text);
    const r = runCli(['inspect', file, '--machine', 'b']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').slice(2)).toEqual([
      '  wary : Wary',
      '  friendly : friendly',
      '  [*] --> wary',
      '  wary --> friendly : trust #gt;= 15',
      '  wary --> friendly : on deal if gain #lt; 50',
      '  wary --> friendly : on deal',
    ]);
  });

  it('prints the machine config with --json, which createMachine takes back unchanged', () => {
    const r = runCli(['inspect', 'sochi-2021', '--machine', 'russia', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(r.stdout) as {
      id: string;
      initial: string;
      states: Record<string, { meta: { label: string }; on: Record<string, { target: string }[]> }>;
    };
    const russia = load('scenarios/sochi-2021').parties.find((p) => p.id === 'russia')!;
    expect(config).toEqual(JSON.parse(JSON.stringify(russia.machine.config)));
    expect(config.id).toBe('russia');
    expect(Object.keys(config.states)).toEqual(['dominant_broker', 'courting_baku', 'overstretched']);
    expect(config.states['dominant_broker']!.meta.label).toBe(russia.postureLabels[0]);
    // What a visualiser does with it: build the machine; the same states and transitions come back.
    const rebuilt = createMachine(config);
    for (const [i, posture] of russia.postures.entries())
      expect((rebuilt.root.states[posture]!.transitions.get('TURN') ?? []).map((d) => d.target![0]!.key)).toEqual(
        russia.transitions[i]!.map((t) => russia.postures[t.to]),
      );
  });

  it('names an unknown party with a did-you-mean, exit 1', () => {
    const r = runCli(['inspect', 'sochi-2021', '--machine', 'armnia']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatchInlineSnapshot(`"--machine: unknown party "armnia" (did you mean "armenia"?); parties are armenia, azerbaijan, eu, russia"`);
  });
});

/** The XState machine is where a party's postures are declared; the table the kernel steps is read off it. */
import { describe, expect, it } from 'vitest';
import { nextTransition } from '@wargame/engine';
import { load, shippedIds } from './helpers/scenarios.js';
import { runCli } from './helpers/cli.js';

describe('party machines', () => {
  for (const id of shippedIds()) {
    it(`${id}: the table is the machine's transitions, state for state, in the machine's order, as the scenario declares them`, () => {
      const s = load(`scenarios/${id}`);
      for (const party of s.parties) {
        const doc = s.doc.parties[party.id]!.machine;
        expect(party.machine.id).toBe(party.id);
        expect(Object.keys(party.machine.root.states)).toEqual(party.postures);
        expect(party.machine.config.initial).toBe(doc.initial);
        party.postures.forEach((posture, i) => {
          const defs = party.machine.root.states[posture]!.transitions.get('TURN') ?? [];
          expect(party.transitions[i]!.map((t) => party.postures[t.to])).toEqual(defs.map((d) => d.target![0]!.key));
          expect(party.transitions[i]!.map((t) => party.postures[t.to])).toEqual(doc.states[posture]!.on.TURN.map((t) => t.target));
          // Guards are references by name with params (data), never inline functions.
          for (const d of defs) if (d.guard) expect(typeof d.guard === 'object' && 'type' in d.guard).toBe(true);
        });
      }
    });
  }

  it("XState's transition() on the machine and the derived table take the same transition", () => {
    const s = load('scenarios/sochi-2021');
    const armenia = s.parties.find((p) => p.id === 'armenia')!;
    const world = { ind: s.indicators.map((i) => i.initial), rel: [...s.relations.initial], posture: s.parties.map((p) => p.initial), month: s.calendar.start, turn: 0, params: s.parameters.map((p) => p.default), moveCount: new Array<number>(s.moveCount).fill(0), lastMove: s.parties.map(() => -1), eventCount: s.events.map(() => 0) };
    const tension = s.indicators.findIndex((i) => i.id === 'border_tension');
    world.ind[tension] = 70; // border_tension >= 60 and eu_engagement < 45: accommodating
    const viaXState = nextTransition(s, armenia, armenia.initial, world, 'xstate');
    const viaTable = nextTransition(s, armenia, armenia.initial, world, 'table');
    expect(viaXState).toBe(viaTable);
    expect(armenia.postures[viaXState!.to]).toBe('accommodating');
    world.ind[tension] = 20;
    expect(nextTransition(s, armenia, armenia.initial, world, 'xstate')).toBeNull();
  });
});

describe('wargame inspect --machine', () => {
  it('prints a Mermaid state diagram with every posture and transition', () => {
    const r = runCli(['inspect', 'sochi-2021', '--machine', 'armenia']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  [*] --> russia_reliant');
    expect(lines).toContain('  russia_reliant --> accommodating : border_tension #gt;= 60 and eu_engagement #lt; 45');
    expect(lines.filter((l) => l.includes('-->')).length).toBe(1 + 5);
  });

  it('prints the XState machine JSON with --json', () => {
    const r = runCli(['inspect', 'sochi-2021', '--machine', 'russia', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { id: string; states: Record<string, { on: Record<string, unknown[]> }> };
    expect(j.id).toBe('russia');
    expect(Object.keys(j.states)).toEqual(['dominant_broker', 'courting_baku', 'overstretched']);
    expect(j.states['dominant_broker']!.on['TURN']).toHaveLength(2);
  });

  it('names an unknown party with a did-you-mean, exit 1', () => {
    const r = runCli(['inspect', 'sochi-2021', '--machine', 'armnia']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown party "armnia" (did you mean "armenia"?)');
  });
});

import { describe, expect, it } from 'vitest';
import { followHistory, historyFit, monthIndex, runGame } from '@wargame/engine';
import { runCli } from './helpers/cli.js';
import { load, shippedIds } from './helpers/scenarios.js';

const withHistory = shippedIds().filter((id) => load(`scenarios/${id}`).history.length > 0);

describe('the history track', () => {
  it('at least one shipped scenario has one', () => {
    expect(withHistory.length).toBeGreaterThan(0);
  });

  describe.each(withHistory)('%s', (id) => {
    const s = load(`scenarios/${id}`);

    it('following history reproduces every historical move, whatever the seed', () => {
      const last = s.history.at(-1)!.month;
      for (const seed of ['1', '2', '3']) {
        const r = followHistory(s, { seed, until: last + 1 });
        if (!r.ok) throw new Error(`${r.error.message} (seed ${seed})`);
        for (const step of s.history) {
          const turn = r.turns.find((t) => t.date === step.date)!;
          const p = turn.parties[step.party]!;
          expect(p.move, `${step.date} ${p.party} (replay: wargame run ${id} --seed ${seed} --follow-history-until ${step.date})`).toBe(s.parties[step.party]!.moves[step.move]!.id);
          expect(p.controller).toBe('history');
          // The record says it happened: a recorded move does not roll its chance of failure.
          expect(p.success).toBe(true);
          expect(p.historical?.recorded).toBe(true);
        }
        // Parties without a recorded move that month make their idle move.
        for (const t of r.turns)
          for (const p of t.parties) {
            const party = s.parties.find((x) => x.id === p.party)!;
            const recorded = s.history.some((h) => h.date === t.date && s.parties[h.party]!.id === p.party);
            if (recorded || party.idle < 0) continue;
            const idle = party.moves[party.idle]!;
            // The idle move where the posture allows it; otherwise (a party that has ceased to exist) no move.
            expect(p.move).toBe(idle.postures[party.postures.indexOf(p.posture)] ? idle.id : null);
          }
      }
    });

    it('while following history only scheduled and recurring events fire (chance events are not part of the record)', () => {
      const until = s.history.at(-1)!.month + 1;
      for (const seed of ['a', 'b', 'c', 'd']) {
        const r = followHistory(s, { seed, until });
        if (!r.ok) throw new Error(r.error.message);
        expect(r.turns.flatMap((t) => t.events.filter((e) => e.kind !== 'scheduled' && e.kind !== 'recurring').map((e) => `${t.date} ${e.id}`))).toEqual([]);
      }
    });

    it('branching at a date and letting the computer play diverges across seeds', () => {
      const branch = s.history[Math.floor(s.history.length / 2)]!.month;
      const paths = new Set<string>();
      for (let seed = 0; seed < 20; seed++) {
        const r = runGame(s, { seed: String(seed), inputs: (turn) => (s.calendar.start + turn * s.calendar.step < branch ? { history: true } : undefined) });
        if (!r.ok) throw new Error(r.error.message);
        const before = r.run.turns.filter((t) => monthIndex(t.date) < branch);
        expect(before.every((t) => t.parties.every((p) => p.controller === 'history'))).toBe(true);
        paths.add(r.run.turns.filter((t) => monthIndex(t.date) >= branch).map((t) => t.parties.map((p) => p.move).join(',')).join('|'));
      }
      expect(paths.size).toBeGreaterThan(10);
    });

    it('the history check reports a probability for every historical move, none below 5%', () => {
      const r = historyFit(s, { samples: 200 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.fit.rows).toHaveLength(s.history.length);
      for (const row of r.fit.rows) {
        expect(row.probability).toBeGreaterThanOrEqual(0);
        expect(row.probability).toBeLessThanOrEqual(1);
      }
      expect(r.fit.implausible.map((x) => `${x.date} ${x.party} ${x.move} p=${x.probability}`)).toEqual([]);
      expect(r.fit.logLikelihood).toBeCloseTo(r.fit.rows.reduce((a, x) => a + Math.log(x.probability), 0), 9);
    });
  });
});

describe('history on the command line', () => {
  it('run --follow-history-until follows the track before the date and lets the computer play from it', () => {
    const r = runCli(['run', 'sochi-2021', '--seed', '3', '--follow-history-until', '2022-03', '--json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.replay).toBe('wargame run sochi-2021 --seed 3 --follow-history-until 2022-03');
    const controllers = run.turns.map((t: { date: string; parties: { controller: string }[] }) => `${t.date}:${[...new Set(t.parties.map((p) => p.controller))].join('+')}`);
    expect(controllers.slice(0, 5)).toEqual(['2021-11:history', '2021-12:history', '2022-01:history', '2022-02:history', '2022-03:computer']);
  });

  it('rejects a date outside the calendar or malformed', () => {
    expect(runCli(['run', 'sochi-2021', '--follow-history-until', '2030-01']).stderr).toBe(
      "--follow-history-until 2030-01 is outside the scenario's calendar (2021-11 to 2022-10)\n",
    );
    expect(runCli(['run', 'sochi-2021', '--follow-history-until', 'Sept']).stderr).toMatch(/expected a month as YYYY-MM, e\.g\. 2023-09\./);
  });

  it('history-fit prints the table and the total log-likelihood', () => {
    const r = runCli(['history-fit', 'sochi-2021', '--samples', '100']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^date +party +historical move +posture +probability +rank +likeliest instead$/m);
    expect(r.stdout).toMatch(/^2022-02 +russia +allied_declaration +courting_baku +\d+(\.\d)?% +\d\/\d/m);
    expect(r.stdout).toMatch(/total log-likelihood -?\d+\.\d{3}/);
    const json = JSON.parse(runCli(['history-fit', 'sochi-2021', '--samples', '100', '--json']).stdout);
    expect(json.rows).toHaveLength(7);
    expect(Object.keys(json.rows[0])).toEqual(['date', 'party', 'move', 'label', 'posture', 'probability', 'rank', 'options', 'available', 'likeliest', 'note', 'cite']);
  });

  it('history-fit exits 1 and says which move when the model finds a historical move implausible', () => {
    const r = runCli(['history-fit', 'sochi-2021', '--samples', '50', '--threshold', '0.5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ \d historical moves? below 50\.0%: the model is wrong somewhere/);
  });
});

import { describe, expect, it } from 'vitest';
import { evaluateOutcomes, fastRun, followHistory, historyFit, prepareFastRun } from '@wargame/engine';
import { measureTiming, TIMING_TARGETS } from '../packages/tui/src/commands/timing.js';
import { load } from './helpers/scenarios.js';

const s = load('scenarios/south-caucasus');
const party = (id: string) => s.parties.findIndex((p) => p.id === id);
const steps = (p: string, move: string) => s.history.filter((h) => h.party === party(p) && s.parties[h.party]!.moves[h.move]!.id === move).map((h) => h.date);

describe('the flagship record (south-caucasus, second edition)', () => {
  it('dates the corrected steps as the record does', () => {
    // 13–14 September 2022: the request, the refusal and the ceasefire fall in the month of the attack.
    expect(steps('azerbaijan', 'attack_armenia')).toEqual(['2022-09']);
    expect(steps('armenia', 'request_csto_help')).toEqual(['2022-09']);
    expect(steps('russia', 'decline_csto_help')).toEqual(['2022-09']);
    expect(steps('us', 'broker_ceasefire')).toEqual(['2022-09']);
    // Prague (6 October 2022) with the EU mission; the explicit recognition of 22 May 2023, before Karabakh fell.
    expect(steps('armenia', 'invite_eu_monitors')).toEqual(['2022-10']);
    expect(steps('armenia', 'recognise_territorial_integrity')).toEqual(['2023-05']);
    expect(steps('azerbaijan', 'offensive_karabakh')).toEqual(['2023-09']);
    // The CSTO freeze was announced in February 2024.
    expect(steps('armenia', 'freeze_csto')).toEqual(['2024-02']);
    // France: the 2022 attack, the 2023 offensive, the arms sale, the troops remark of 26 February 2024.
    expect(steps('france', 'condemn_baku')).toEqual(['2022-09', '2023-09']);
    expect(steps('france', 'sell_arms_armenia')).toEqual(['2023-10']);
    expect(steps('france', 'plan_troops_for_ukraine')).toEqual(['2024-02']);
    // The energy commissioner in Baku, early February 2022; Turkey at the first 3+3 (Moscow, December 2021).
    expect(steps('eu', 'request_gas')).toEqual(['2022-02']);
    expect(steps('turkey', 'join_3plus3')).toEqual(['2021-12', '2023-10']);
    // The talks: Brussels 2021-12, 2022-04/05/08, 2023-05/07; Sochi 2021-11 and 2022-10, Moscow 2023-05; Washington 2022-11, 2023-05/06.
    expect(steps('eu', 'host_talks')).toEqual(['2021-12', '2022-04', '2022-05', '2022-08', '2023-05', '2023-07']);
    expect(steps('russia', 'convene_summit')).toEqual(['2021-11', '2022-10', '2023-05']);
    expect(steps('us', 'host_talks_washington')).toEqual(['2022-11', '2023-05', '2023-06']);
    // Armenia's ICJ request (December 2022), the prisoner deal (7 December 2023), Tavush (19 April 2024).
    expect(steps('armenia', 'seek_icj')).toEqual(['2022-12']);
    expect(steps('azerbaijan', 'release_pows')).toEqual(['2021-11']);
    expect(steps('azerbaijan', 'propose_prisoner_deal')).toEqual(['2023-12']);
    expect(steps('azerbaijan', 'propose_delimitation')).toEqual(['2024-04']);
    expect(steps('armenia', 'press_demarcation')).toContain('2024-04');
    // The dissolution decree of 28 September 2023 is named in the note of the step (acted on the month after).
    const dissolve = s.history.find((h) => s.parties[h.party]!.moves[h.move]!.id === 'dissolve')!;
    expect(dissolve.note).toContain('28 September 2023');
  });

  it('encodes nothing after mid 2024, and no contested claim as a recorded certainty', () => {
    for (const h of s.history) expect(h.date <= '2024-06', `${h.date} ${s.parties[h.party]!.id}`).toBe(true);
    expect(steps('azerbaijan', 'divert_ukraine_munitions')).toEqual([]);
    expect(steps('armenia', 'transfer_missiles_ukraine')).toEqual([]);
    const hidden = s.indicators.find((i) => i.id === 'ukraine_supply_disruption')!;
    expect(hidden.visibleTo).not.toBeNull();
    expect(s.parameters.map((p) => p.id)).toContain('contested_claims');
  });

  it('gives every history citation a kind, and labels recommendations and allegations', () => {
    for (const h of s.history) for (const c of h.cite) expect(c.kind, `${h.date} ${s.parties[h.party]!.id}: "${c.quote.slice(0, 40)}…"`).toBeDefined();
    const us = s.parties[party('us')]!;
    for (const id of ['offer_major_non_nato_ally', 'offer_small_modular_reactor']) {
      const m = us.moves.find((x) => x.id === id)!;
      expect(m.cite.some((c) => c.kind === 'recommendation'), id).toBe(true);
    }
    const transfer = s.parties[party('armenia')]!.moves.find((m) => m.id === 'transfer_missiles_ukraine')!;
    expect(transfer.cite.map((c) => c.kind)).toContain('allegation');
  });

  it('fires the dated events of the sources while following history', () => {
    const r = followHistory(s, { seed: '1', until: s.history.at(-1)!.month + 1 });
    if (!r.ok) throw new Error(r.error.message);
    const fired = (id: string) => r.turns.filter((t) => t.events.some((e) => e.id === id)).map((t) => t.date);
    expect(fired('icj_order_lachin')).toEqual(['2023-02']);
    expect(fired('lachin_sealed')).toEqual(['2023-06']);
    // Shortages run every month the road is closed, so the crisis deepens through the closure.
    expect(fired('karabakh_shortages').length).toBeGreaterThanOrEqual(6);
    const crisis = (date: string) => r.turns.find((t) => t.date === date)!.indicators.humanitarian_crisis!;
    expect(crisis('2023-08')).toBeGreaterThan(crisis('2022-12'));
  });

  it('records the prisoner deal and the Tavush delimitation as proposals Armenia accepts, whatever the seed', () => {
    for (const seed of ['1', '2', '3']) {
      const r = followHistory(s, { seed, until: s.history.at(-1)!.month + 1 });
      if (!r.ok) throw new Error(r.error.message);
      for (const [date, message] of [
        ['2023-12', 'prisoner_deal'],
        ['2024-04', 'tavush_delimitation'],
      ]) {
        const m = r.turns.find((t) => t.date === date)!.messages?.find((x) => x.message === message);
        expect(m, `${date} ${message} (seed ${seed})`).toMatchObject({ from: 'azerbaijan', to: 'armenia', reply: 'accept' });
      }
    }
  });

  it('finds every historical move at least 5% likely, and reports the quiet months', () => {
    const r = historyFit(s, { seed: 'history', samples: 100, threshold: 0.05 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.fit.implausible.map((x) => `${x.date} ${x.party} ${x.move}`)).toEqual([]);
    expect(r.fit.quiet.months).toBeGreaterThan(0);
    expect(r.fit.quiet.meanProbability).toBeGreaterThan(0);
  });
});

describe('the flagship timing over 1,000 free runs (seeds 42.0…42.999)', () => {
  const targets = TIMING_TARGETS['south-caucasus']!;
  const rows = measureTiming(s, { runs: 1000, seed: '42', targets: [...targets, { outcome: 'kremlin_led_settlement', label: '', real: '' }] });
  const row = (id: string) => rows.find((r) => r.outcome === id)!;

  it('puts every real date inside the central 80% of the runs where the event happens', () => {
    for (const t of targets) expect(row(t.outcome).outsideCentral80, `${t.outcome}: real ${t.real}, 10–90% ${row(t.outcome).q10}…${row(t.outcome).q90}`).toBe(false);
  });

  it('keeps every major event below 95% of runs (no source calls any of them inevitable)', () => {
    for (const t of targets) expect(row(t.outcome).share, `${t.outcome} happens in ${(row(t.outcome).share * 100).toFixed(1)}% of runs`).toBeLessThanOrEqual(0.95);
    // …and each still happens in most runs: the record is the model's likeliest course, not a rarity.
    for (const t of targets) expect(row(t.outcome).share, t.outcome).toBeGreaterThan(0.3);
  });

  it('reaches a Kremlin-led text at the default settings', () => {
    expect(row('kremlin_led_settlement').happened).toBeGreaterThan(0);
  });
});

describe('the flagship counterfactuals are reachable at their stated settings', () => {
  const share = (set: Record<string, number>, outcome: string, runs = 300) => {
    const plan = prepareFastRun(s);
    let n = 0;
    for (let i = 0; i < runs; i++) {
      const r = fastRun(plan, { seed: `42.${i}`, params: set });
      if (!r.ok) throw new Error(r.error.message);
      if (evaluateOutcomes(s, r.state)[outcome]!.value === true) n++;
    }
    return n / runs;
  };

  it('Moscow defends Armenia and reinforces its peacekeepers at moscow_commitment=100, russia_bandwidth=50', () => {
    const set = { moscow_commitment: 100, russia_bandwidth: 50 };
    expect(share(set, 'moscow_defends_armenia')).toBeGreaterThan(0);
    expect(share(set, 'moscow_reinforces_peacekeepers')).toBeGreaterThan(0.5);
    // At the record's setting Moscow all but never defends Armenia (the guarantees proved hollow).
    expect(share({}, 'moscow_defends_armenia')).toBeLessThan(0.01);
  });

  it('no war at all is the likeliest outcome when the war leaves Moscow its bandwidth (russia_bandwidth=100)', () => {
    const atFull = share({ russia_bandwidth: 100 }, 'no_war');
    expect(atFull).toBeGreaterThan(0.7);
    // At the defaults peace comes only where the talks outrun the window: a minority of runs.
    const atDefault = share({}, 'no_war');
    expect(atDefault).toBeGreaterThan(0);
    expect(atDefault).toBeLessThan(atFull / 2);
  });
});

import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('wargame timing', () => {
  it('prints, for each major recorded event, its share of runs and the 10/50/90% quantiles of its first date beside the real date', () => {
    const r = runCli(['timing', 'south-caucasus', '--runs', '50']);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toContain('50 free runs from 2021-11, seeds 42.0…42.49');
    for (const [id, real] of [
      ['attack_on_armenia', '2022-09'],
      ['lachin_blockade', '2022-12'],
      ['karabakh_offensive', '2023-09'],
      ['peacekeepers_gone', '2024-04'],
      ['csto_frozen', '2024-02'],
    ]) {
      const row = lines.find((l) => l.startsWith(`${id} `));
      expect(row, id).toMatch(new RegExp(`^${id}\\s+${real}\\s+\\d+\\.\\d%\\s+(\\d{4}-\\d{2}|—)\\s+(\\d{4}-\\d{2}|—)\\s+(\\d{4}-\\d{2}|—)`));
    }
    // At the defaults every event is on target, and the exit code says so.
    expect(lines.find((l) => l.startsWith('attack_on_armenia'))).toMatch(/✔$/);
    expect(r.code).toBe(0);
  });

  it('flags an event that comes too early or too surely, and exits 1', () => {
    // With no bandwidth left to Moscow, Baku strikes at once and in every run.
    const r = runCli(['timing', 'south-caucasus', '--runs', '50', '--set', 'russia_bandwidth=0']);
    const attack = r.stdout.split('\n').find((l) => l.startsWith('attack_on_armenia'));
    expect(attack).toContain('✖ real date outside the central 80%');
    expect(attack).toContain('✖ in more than 95% of runs');
    expect(r.stdout).toMatch(/✖ \d of 5 events off target/);
    expect(r.code).toBe(1);
  });

  it('prints JSON with the quantiles and flags, and is reproducible from its seed', () => {
    const a = runCli(['timing', 'south-caucasus', '--runs', '20', '--seed', '7', '--json']);
    const b = runCli(['timing', 'south-caucasus', '--runs', '20', '--seed', '7', '--json']);
    expect(a.stdout).toBe(b.stdout);
    const j = JSON.parse(a.stdout) as { runs: number; events: { outcome: string; real: string | null; share: number; q50: string | null; outsideCentral80: boolean; nearCertain: boolean }[] };
    expect(j.runs).toBe(20);
    expect(j.events.map((e) => e.outcome)).toEqual(['attack_on_armenia', 'lachin_blockade', 'karabakh_offensive', 'peacekeepers_gone', 'csto_frozen']);
    for (const e of j.events) expect(e.share).toBeGreaterThanOrEqual(0);
  });

  it('times any ever outcome named with --event, and refuses one the scenario lacks', () => {
    const ok = runCli(['timing', 'south-caucasus', '--runs', '10', '--event', 'kremlin_led_settlement']);
    expect(ok.stdout).toContain('kremlin_led_settlement');
    const bad = runCli(['timing', 'south-caucasus', '--runs', '10', '--event', 'nonsense']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('has no boolean outcome "nonsense" with over: ever');
  });
});

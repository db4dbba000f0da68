import { describe, expect, it } from 'vitest';
import { runGame, type GameRun } from '@wargame/engine';
import { load, shippedIds } from './helpers/scenarios.js';

const SEED = '42';

/**
 * A normalised trace: what a reviewer checks when the golden file changes —
 * events, postures, moves and their success, indicator changes (2 decimals),
 * the state hash per turn, and the outcomes.
 */
function trace(run: GameRun): string {
  const r2 = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
  const lines: string[] = [];
  for (const t of run.turns) {
    lines.push(`turn ${t.turn} ${t.date} hash ${t.stateHash}`);
    for (const e of t.events) lines.push(`  event ${e.id} (${e.kind})`);
    for (const p of t.parties)
      lines.push(`  ${p.party}: ${p.transition ? `${p.previousPosture} -> ${p.posture}` : p.posture} | ${p.move ?? '-'}${p.success ? '' : ' FAILED'}`);
    for (const m of t.messages ?? [])
      lines.push(`  message ${m.message} ${m.from} -> ${m.to}: ${m.reply ?? 'unanswered'}${m.transition ? ` (${m.transition.from} -> ${m.transition.to})` : ''}`);
    for (const b of t.breaches ?? []) lines.push(`  breach ${b.party} ${b.message}`);
    for (const p of t.parties) if (p.voided) lines.push(`  void ${p.party} ${p.move} (by ${p.voided.by})`);
    const changes = Object.entries(t.changes).map(([k, v]) => `${k} ${v > 0 ? '+' : ''}${r2(v)}`);
    if (changes.length > 0) lines.push(`  changes: ${changes.join(', ')}`);
  }
  lines.push('outcomes:');
  for (const [id, o] of Object.entries(run.outcomes)) lines.push(`  ${id}: ${String(o.value)}${o.firstTurn === undefined ? '' : ` (turn ${o.firstTurn})`}`);
  lines.push(`final ${run.finalHash}`);
  return `${lines.join('\n')}\n`;
}

describe('golden runs', () => {
  it.each(shippedIds())('%s with seed 42 matches its reviewed trace (test/golden/)', async (id) => {
    const r = runGame(load(`scenarios/${id}`), { seed: SEED });
    if (!r.ok) throw new Error(`${r.error.message} (replay: wargame run ${id} --seed ${SEED})`);
    await expect(trace(r.run), `replay: wargame run ${id} --seed ${SEED}`).toMatchFileSnapshot(`golden/${id}.seed-${SEED}.txt`);
  });
});

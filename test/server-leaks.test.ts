import { viewOf } from '@wargame/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { node, ok, actorsPath, startServer, type Running } from './server-support.js';

let run: Running | undefined;
afterEach(async () => {
  await run?.stop();
  run = undefined;
});

/** Every place a frame mentions the hidden indicator `secret`. */
function secretMentions(value: unknown, path: string, out: { path: string; value: unknown }[]): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) secretMentions(v, `${path}[${i}]`, out);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o['id'] === 'secret' || o['key'] === 'secret') out.push({ path, value: o });
    for (const [k, v] of Object.entries(o)) {
      if (k === 'secret') out.push({ path: `${path}.${k}`, value: v });
      secretMentions(v, `${path}.${k}`, out);
    }
  }
}

describe('what goes on the wire to a team', () => {
  it('never carries a hidden value, a state hash, or another team’s pending choice', async () => {
    run = await startServer(actorsPath, ['a', 'b'], '3');
    const frames: string[] = [];
    const fac = await run.join('facilitator');
    const a = await run.join('a', { onFrame: (t) => frames.push(t) });
    const b = await run.join('b');
    const sc = run.scenario;
    let beforeResolve = 0;
    for (let turn = 1; turn <= 5; turn++) {
      // b chooses first: nothing a receives until the turn resolves may name b's choice.
      await ok(b, { type: 'move', node: node(fac), move: 'defect' });
      await ok(a, { type: 'move', node: node(fac), move: turn % 2 ? 'nudge' : 'offer' });
      // Turn 1 has no news yet: until it resolves, b's choice must appear nowhere in what a received.
      if (turn === 1) {
        beforeResolve = frames.length;
        expect(frames.join('\n')).not.toContain('"defect"');
      }
      await ok(fac, { type: 'advance', node: node(fac), force: true });
      await fac.waitForState((s) => s['turn'] === turn || (s['pending'] as unknown[]).length > 0);
      if (fac.state!['turn'] !== turn) {
        // a's offer waits for b's answer
        await b.waitForState((s) => (s['pending'] as unknown[]).length > 0);
        await ok(b, { type: 'reply', node: node(fac), message: 'deal', reply: 'accept' });
      }
      await a.waitForState((s) => s['turn'] === turn);
    }
    expect(beforeResolve).toBeGreaterThan(0);
    // The true value moved away from a's belief, so a leak would show.
    const truth = run.server.game.session.state.ind[sc.indicators.findIndex((i) => i.id === 'secret')]!;
    const belief = viewOf(sc, run.server.game.session.state, 0).indicators.find((i) => i.id === 'secret')!;
    expect(belief.kind).toBe('belief');
    expect(truth).not.toBe(belief.value);
    for (const text of frames) {
      const f = JSON.parse(text) as Record<string, unknown>;
      expect(text).not.toMatch(/"(stateHash|hash|staged|codes)"/);
      const mentions: { path: string; value: unknown }[] = [];
      secretMentions(f, '', mentions);
      for (const m of mentions) {
        // Only as the party's belief in its view and in its news, never as an effect.
        if (m.path.endsWith('.news.indicators.secret')) continue;
        expect(m.path, JSON.stringify(m)).toMatch(/^\.view\.indicators\[\d+\]$|^\.indicators\[\d+\]$/);
        expect((m.value as { kind?: string }).kind ?? 'meta').not.toBe('true');
      }
      if (f['type'] === 'state' && f['view']) {
        const s = (f['view'] as { indicators: { id: string; value: number; kind: string }[] }).indicators.find((i) => i.id === 'secret')!;
        expect(s.kind).toBe('belief');
        const news = f['news'] as { indicators: Record<string, number> } | null;
        if (news) expect(news.indicators['secret']).toBe(s.value);
      }
    }
    // The state frames a received never held b's choice before the turn resolved: only booleans.
    for (const text of frames) {
      const f = JSON.parse(text) as Record<string, unknown>;
      if (f['type'] === 'state') expect(Object.values(f['ready'] as object).every((v) => typeof v === 'boolean')).toBe(true);
      if (f['type'] === 'state') expect(f['chosen'] === null || ['nudge', 'offer', 'grab', 'signal'].includes(f['chosen'] as string)).toBe(true);
    }
  });
});

/**
 * The workshop report (issue 14): every branch side by side, every party's
 * moves, the rulings and written injects with their effects, the notes;
 * charts with one scale each and labels, not ids; and a team's version that
 * holds only what that team knew.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { beginTurn, saveSession, Session, type CompiledScenario, type TurnInputs } from '@wargame/engine';
import { failureRuling } from '../packages/tui/src/app/rulings.js';
import { reportSaveCommand } from '../packages/tui/src/commands/report-save.js';
import { load } from './helpers/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-report-workshop-'));
afterAll(() => process.env['KEEP'] ? undefined : rmSync(dir, { recursive: true, force: true }));

/** The first move on offer to a party that does something (not its idle move). */
function activeMove(s: CompiledScenario, session: Session, party: string): string {
  const begun = beginTurn(s, session.state);
  if (!begun.ok) throw new Error(begun.error.message);
  const offers = begun.context.parties[s.parties.findIndex((p) => p.id === party)]!.offers;
  return (offers.find((o) => o.effects.length > 0) ?? offers[0]!).move;
}

function advance(session: Session, inputs: TurnInputs) {
  const r = session.advance(inputs);
  if (!r.ok) throw new Error(`${r.error.message} (replay: the save in ${dir})`);
}

/** A sochi-2021 workshop: two teams, a written inject, a ruled failure, a note, then a what-if branch from turn 1. */
function workshop() {
  const s = load('scenarios/sochi-2021');
  const created = Session.create(s, { seed: '4' });
  if (!created.ok) throw new Error(created.error.message);
  const session = created.session;
  const inject = { custom: { id: 'custom_border_clash', label: 'Border clash near Sotk', effects: { border_tension: 7 } } };
  advance(session, { choices: { armenia: activeMove(s, session, 'armenia'), azerbaijan: activeMove(s, session, 'azerbaijan') }, inject: [inject] });
  const ruled = activeMove(s, session, 'armenia');
  advance(session, { choices: { armenia: ruled, azerbaijan: activeMove(s, session, 'azerbaijan') }, adjudicate: { armenia: failureRuling(s, 'armenia', ruled) }, failed: ['armenia'] });
  session.annotate('the class argued about the corridor');
  // The what-if: back to turn 1, and the teams' idle moves instead.
  if (!session.rewind(1).ok) throw new Error('rewind');
  const idle = (party: string) => {
    const begun = beginTurn(s, session.state);
    if (!begun.ok) throw new Error(begun.error.message);
    return begun.context.parties[s.parties.findIndex((p) => p.id === party)]!.offers[0]!.move;
  };
  advance(session, { choices: { armenia: idle('armenia'), azerbaijan: idle('azerbaijan') } });
  advance(session, {});
  const branch = session.branches().find((b) => b.isHead)!;
  session.nameBranch(branch.start, 'What if nobody moved');
  const file = join(dir, 'workshop.save.json');
  writeFileSync(file, JSON.stringify(saveSession(session, { players: ['armenia', 'azerbaijan'] })));
  return { s, file, ruled };
}

async function report(file: string, opts: { team?: string; out: string }): Promise<string> {
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await reportSaveCommand(file, { format: 'md', runs: 0, out: opts.out, ...(opts.team ? { team: opts.team } : {}) })).toBe(0);
  } finally {
    write.mockRestore();
  }
  return readFileSync(opts.out, 'utf8');
}

/** The alt texts of the charts (images with data URIs). */
const charts = (md: string) => [...md.matchAll(/<img alt="([^"]*)" src="data:image\/svg\+xml;base64,/g)].map((m) => m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&'));

describe('the workshop report', () => {
  const { s, file, ruled } = workshop();

  it('compares the branches side by side and lists every rulings and written inject with its effects', async () => {
    const md = await report(file, { out: join(dir, 'all.md') });
    expect(md).toContain('## Branches side by side');
    expect(md).toMatch(/\| *\| Branch 1 \| Branch 2 “What if nobody moved” \(last played\) \|/);
    expect(md).toMatch(/\| Turns \| 1–2 \| forked after turn 1: 2–3 \|/);
    expect(md).toContain('## Rulings and injects');
    const label = s.parties.find((p) => p.id === 'armenia')!.moves.find((m) => m.id === ruled)!.label;
    expect(md).toContain(`ruling on Armenia's ${label}`);
    expect(md).toContain('ruled a failure');
    const tension = s.indicators.find((i) => i.id === 'border_tension')!.label;
    expect(md).toContain(`written inject “Border clash near Sotk” | ${tension} +7`);
    // The notes, and the first branch's own turns after the fork.
    expect(md).toContain('the class argued about the corridor');
    expect(md).toContain('### Branch 1: turns 1–2 (2021-11 – 2021-12)');
  });

  it('shows every party’s move each turn, teams marked, with posture labels not ids', async () => {
    const md = await report(file, { out: join(dir, 'all2.md') });
    const turnByTurn = md.slice(md.indexOf('## Turn by turn'));
    for (const p of s.parties) expect(turnByTurn).toContain(`${p.name}${['armenia', 'azerbaijan'].includes(p.id) ? ' (team)' : ''}: `);
    for (const p of s.parties) for (const id of p.postures) if (!p.postureLabels.includes(id)) expect(turnByTurn).not.toMatch(new RegExp(`: ${id} → `));
  });

  it('draws each chart on one scale, with labels', async () => {
    const md = await report(file, { out: join(dir, 'all3.md') });
    const alts = charts(md);
    expect(alts.length).toBeGreaterThan(1);
    for (const ind of s.indicators.filter((i) => i.key)) {
      const holding = alts.filter((a) => a.includes(ind.label));
      expect(holding, ind.label).toHaveLength(1);
      // The chart's one scale is this indicator's range.
      expect(holding[0]).toContain(`(${ind.min}–${ind.max})`);
    }
    for (const a of alts) expect(a).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  });

  it('a team’s version holds only what the team knew: no secret indicator, no note, no facilitator’s table', async () => {
    const full = await report(file, { out: join(dir, 'full.md') });
    const secret = s.indicators.find((i) => i.id === 'moscow_commitment')!.label;
    expect(full).toContain(secret);
    const md = await report(file, { team: 'armenia', out: join(dir, 'armenia.md') });
    expect(md).toMatch(/^# Team report: Armenia — /);
    expect(md).toContain("## Armenia's goals");
    // Its value is nowhere: no chart, no row, no effect in the news (its label may name what the party weighs in its goals).
    expect(md).not.toMatch(new RegExp(`${secret}[^\\n|]*\\| *\\d`));
    for (const a of charts(md)) expect(a).not.toContain(secret);
    expect(md.slice(md.indexOf('## The news'))).not.toContain(secret);
    expect(md).not.toContain('the class argued');
    expect(md).not.toContain('Rulings and injects');
    expect(md).not.toContain('Branches side by side');
  });

  it('refuses an unknown team, naming the parties', async () => {
    await expect(reportSaveCommand(file, { format: 'md', runs: 0, team: 'atlantis' })).rejects.toThrowError('--team: no party "atlantis" in sochi-2021; parties are armenia, azerbaijan, eu, russia');
  });
});

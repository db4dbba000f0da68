/** `wargame replay --show <save>` (issue 14): the session turn by turn for the room, every party's move, the rulings and notes, branch by branch. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { beginTurn, saveSession, Session } from '@wargame/engine';
import { bigText } from '../src/app/facilitate/projector.js';
import { ReplayScreen } from '../src/app/replay/ReplayScreen.js';
import { replayCommand } from '../src/commands/replay.js';
import { KEY, press, shipped } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-replay-show-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => cleanup());

function session() {
  const scenario = shipped('peace-tracks');
  const created = Session.create(scenario, { seed: '6' });
  if (!created.ok) throw new Error(created.error.message);
  const s = created.session;
  const second = (party: string) => {
    const begun = beginTurn(scenario, s.state);
    if (!begun.ok) throw new Error(begun.error.message);
    return begun.context.parties[scenario.parties.findIndex((p) => p.id === party)]!.offers[1]!.move;
  };
  const move = second('armenia');
  for (const inputs of [{ choices: { armenia: move } }, { adjudicate: { azerbaijan: { border_tension: 9 } } }, {}]) {
    const r = s.advance(inputs);
    if (!r.ok) throw new Error(r.error.message);
  }
  s.annotate('the room cheered');
  if (!s.rewind(1).ok) throw new Error('rewind');
  s.advance({ inject: [{ custom: { id: 'custom_storm', label: 'A storm', effects: { border_tension: -4 } } }] });
  return { scenario, session: s, move };
}

describe('wargame replay --show', () => {
  it('steps through the turns: the month, the key indicators, every party’s move, the rulings, the note; b goes to the next branch', async () => {
    const { scenario, session: s, move } = session();
    const { lastFrame, stdin } = render(<ReplayScreen scenario={scenario} session={s} file="w.save.json" size={{ columns: 100, rows: 40 }} />);
    const frame = () => lastFrame() ?? '';
    // It opens on the branch last played (branch 2, the storm), at its first turn.
    expect(frame()).toContain('branch 2 of 2');
    for (const row of bigText('2023-10')) expect(frame()).toContain(row);
    expect(frame()).toContain('turn 1 of 12');
    const label = scenario.parties[0]!.moves.find((m) => m.id === move)!.label;
    expect(frame()).toContain(`★ Armenia (team): ${label.slice(0, 30)}`);
    for (const p of scenario.parties.slice(1)) expect(frame()).toContain(`• ${p.name}: `);
    await press(stdin, KEY.right);
    expect(frame()).toContain('⚡ A storm (written by the facilitator): ');
    expect(frame()).toContain('turn 2 of 12');
    // The end of the branch stays there; ← goes back.
    await press(stdin, KEY.right, KEY.right);
    expect(frame()).toContain('2 of 2 played on this branch');
    await press(stdin, KEY.left);
    expect(frame()).toContain('turn 1 of 12');
    // Branch 1: the ruling on Azerbaijan's move and the note.
    await press(stdin, 'b', KEY.right);
    expect(frame()).toContain('branch 1 of 2');
    expect(frame()).toContain('⚖ ruled: ');
    await press(stdin, KEY.right);
    expect(frame()).toContain('✎ the room cheered');
    expect(frame()).toContain('3 of 3 played on this branch');
  });

  it('needs a terminal, and refuses --json with it', async () => {
    const { session: s } = session();
    const file = join(dir, 'w.save.json');
    writeFileSync(file, JSON.stringify(saveSession(s)));
    await expect(replayCommand(file, { show: true, json: true })).rejects.toThrowError('--show and --json cannot be given together');
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await replayCommand(file, { show: true })).toBe(2);
      expect(String(write.mock.calls[0]?.[0])).toContain('wargame replay --show is a screen and needs a terminal');
    } finally {
      write.mockRestore();
    }
  });
});

/** `wargame watch <save>`: the room's projector follows a live save, read-only, and shows only the public record. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compileScenarioDoc, loadSession, saveSession, Session } from '@wargame/engine';
import { initialConsole } from '../src/app/facilitate/console-state.js';
import { projectorLines } from '../src/app/facilitate/projector.js';
import { WatchScreen } from '../src/app/watch/WatchScreen.js';
import { watchCommand } from '../src/commands/watch.js';
import { shipped, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => cleanup());

describe('wargame watch', () => {
  it('follows the save as turns are played, and keeps the last good view when the file is unreadable', async () => {
    const scenario = shipped('peace-tracks');
    const created = Session.create(scenario, { seed: '2' });
    if (!created.ok) throw new Error(created.error.message);
    const session = created.session;
    const file = join(dir, 'live.save.json');
    const write = () => writeFileSync(file, JSON.stringify(saveSession(session)));
    write();
    const read = () => {
      const r = loadSession(scenario, readFileSync(file, 'utf8'));
      return r.ok ? { ok: true as const, scenario, session: r.session } : { ok: false as const, message: r.error.message };
    };
    const { lastFrame } = render(<WatchScreen file={file} read={read} intervalMs={20} size={{ columns: 90, rows: 30 }} />);
    expect(lastFrame()).toContain('No turn played yet');
    expect(lastFrame()).toContain('turn 1 of 12');
    session.advance({});
    session.advance({});
    write();
    const after = await waitFor(lastFrame, (f) => f.includes('Last turn, 2023-11'));
    expect(after).toContain('turn 3 of 12');
    // A broken file: the view stays, and the footer says why.
    writeFileSync(file, '{"format": "wargame-session"');
    const broken = await waitFor(lastFrame, (f) => f.includes('✖'));
    expect(broken).toContain('Last turn, 2023-11');
  });

  it("shows the room only what every party may see (the facilitator's own projector shows the rest)", async () => {
    // sochi-2021 with Moscow's secret commitment made a key indicator, so a projector would draw it.
    const base = shipped('sochi-2021');
    const doc = structuredClone(base.doc);
    doc.indicators['moscow_commitment']!.key = true;
    const { scenario, issues } = compileScenarioDoc(doc);
    expect(issues).toEqual([]);
    const label = scenario.indicators.find((i) => i.id === 'moscow_commitment')!.label;
    const created = Session.create(scenario, { seed: '1' });
    if (!created.ok) throw new Error(created.error.message);
    for (let t = 0; t < 3; t++) created.session.advance({});
    const view = { scenario, session: created.session, teams: [], targets: [], savePath: 'x', state: initialConsole({ ok: true }, undefined, 'x') };
    expect(projectorLines(view, 100, 40).flat().map((x) => x.text).join('\n')).toContain(label);
    const read = () => ({ ok: true as const, scenario, session: created.session });
    const { lastFrame } = render(<WatchScreen file={join(dir, 'none.json')} read={read} size={{ columns: 100, rows: 40 }} />);
    expect(lastFrame()).toContain('Projector');
    expect(lastFrame()).not.toContain(label);
  });

  it('refuses a save it cannot read before opening the screen', async () => {
    writeFileSync(join(dir, 'bad.save.json'), 'not json');
    await expect(watchCommand(join(dir, 'bad.save.json'), {})).rejects.toThrowError('the save is not valid JSON');
  });
});

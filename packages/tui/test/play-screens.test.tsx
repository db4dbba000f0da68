import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render, cleanup } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSession } from '@wargame/engine';
import { GameScreen, type QuitSummary } from '../src/app/GameScreen.js';
import { PlayApp } from '../src/app/PlayApp.js';
import { createPlaySession } from '../src/app/play-setup.js';
import { writeFileAtomic } from '../src/io.js';
import { readSave } from '../src/commands/replay.js';
import { playCommand } from '../src/commands/play.js';
import { KEY, press, renderGame, shipped, tick, waitFor, type GameOptions } from './helpers.js';

const SIZE = { columns: 80, rows: 24 };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wargame-play-'));
  return () => rmSync(dir, { recursive: true, force: true });
});
afterEach(() => cleanup());

function game(id: string, opts: Omit<GameOptions, 'dir'> = {}) {
  return renderGame(id, { ...opts, dir });
}

describe('play: picker', () => {
  it('picks scenario, party and a start date on the history track, and starts there', async () => {
    const loads: string[] = [];
    const { lastFrame, stdin } = render(
      <PlayApp
        catalog={[
          { id: 'peace-tracks', title: 'After the fall of Karabakh' },
          { id: 'sochi-2021', title: 'After Sochi' },
        ]}
        loadScenario={(id) => {
          loads.push(id);
          return { ok: true, scenario: shipped(id) };
        }}
        seed="1"
        savePath={() => join(dir, 'picked.save.json')}
        writeFile={writeFileAtomic}
        backgroundRuns={0}
        replayCommand={() => ''}
        size={SIZE}
      />,
    );
    expect(lastFrame()).toContain('Choose a scenario');
    expect(lastFrame()).toContain('peace-tracks — After the fall of Karabakh');
    await press(stdin, KEY.down, KEY.enter);
    const parties = await waitFor(lastFrame, (f) => f.includes('choose your party'));
    expect(loads).toEqual(['sochi-2021']);
    expect(parties).toContain('Armenia');
    expect(parties).toContain('Azerbaijan');
    await press(stdin, KEY.enter);
    const dates = await waitFor(lastFrame, (f) => f.includes('choose when to take over'));
    expect(dates).toContain('2021-11  the start');
    expect(dates).toContain('2022-01  history followed until then');
    await press(stdin, KEY.down, KEY.enter);
    // A new game opens on the player's goals: the party's interests, heaviest first, with what each asks for.
    const goals = await waitFor(lastFrame, (f) => f.includes('Your goals as Armenia'));
    const armenia = shipped('sochi-2021').parties.find((p) => p.id === 'armenia')!;
    expect(armenia.interests.some((it) => goals.includes(it.text.slice(0, 40)))).toBe(true);
    expect(goals).toMatch(/\d+% {2}/);
    expect(goals).toMatch(/(raise|lower|bring|keep)/);
    // Longer than the screen, they scroll; any other key closes them.
    await press(stdin, KEY.pageDown);
    expect(lastFrame()).toContain('Your goals as Armenia');
    expect(lastFrame()).toContain('↑');
    await press(stdin, 'x');
    const briefing = await waitFor(lastFrame, (f) => f.includes('Your move'));
    expect(briefing).toContain('2022-01 · turn 3 of 12');
    // g brings the goals back.
    await press(stdin, 'g');
    expect(lastFrame()).toContain('Your goals as Armenia');
  });

  it('goes back a step with Esc', async () => {
    const { lastFrame, stdin } = render(
      <PlayApp
        catalog={[{ id: 'peace-tracks', title: 'After the fall of Karabakh' }]}
        loadScenario={(id) => ({ ok: true, scenario: shipped(id) })}
        seed="1"
        savePath={() => join(dir, 'x.json')}
        writeFile={writeFileAtomic}
        backgroundRuns={0}
        replayCommand={() => ''}
        size={SIZE}
      />,
    );
    await press(stdin, KEY.enter);
    await waitFor(lastFrame, (f) => f.includes('choose your party'));
    await press(stdin, KEY.escape);
    await waitFor(lastFrame, (f) => f.includes('Choose a scenario'));
  });
});

describe('play: briefing', () => {
  it('shows the date, key indicators with bars, the moves and the keys in 80×24', () => {
    const { frame, scenario } = game('peace-tracks');
    const f = frame();
    expect(f.split('\n').length).toBeLessThanOrEqual(23);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(f).toContain('Armenia (Diversifying)');
    expect(f).toContain('2023-10 · turn 1 of 12');
    expect(f).toContain('Progress towards a peace treaty');
    expect(f).toMatch(/█+[▏▎▍▌▋▊▉]?░+ +25 /);
    expect(f).toContain('Your move, Armenia — 8 options');
    expect(f).toContain('❯ 1. Keep talking, concede nothing new');
    expect(f).toContain('[on the record]');
    expect(f).toContain('? help');
    expect(scenario.indicators.filter((i) => i.key)).toHaveLength(8);
  });

  it('after a turn, shows its news with every party and the sources quoted, and the relations', async () => {
    const { frame, stdin } = game('peace-tracks');
    await press(stdin, KEY.enter, KEY.tab);
    const news = frame();
    expect(news).toContain('[News (5)]');
    expect(news).toContain('What happened in 2023-10');
    expect(news).toContain('★ Armenia (you): Keep talking, concede nothing new');
    expect(news).toContain('• Azerbaijan: Agree a transit route to Nakhchivan through northern Iran');
    expect(news).toMatch(/“.+/);
    expect(news).toContain('Emil Avdaliani, CEPA');
    await press(stdin, KEY.pageDown);
    expect(frame()).toContain('↑');
    await press(stdin, KEY.tab);
    const rel = frame();
    expect(rel).toContain('Armenia and…');
    expect(rel).toMatch(/Azerbaijan +[█░▏▎▍▌▋▊▉]+ +-?\d/);
    await press(stdin, KEY.tab);
    expect(frame()).toContain('[World]');
    expect(frame()).toMatch(/Progress towards a peace treaty .*[▲▼·]/);
  });
});

describe('play: move choice', () => {
  it('moves the cursor with the arrows, shows the expected effects, and plays the move with Enter', async () => {
    const { frame, stdin, session } = game('peace-tracks');
    await press(stdin, KEY.down, KEY.down);
    const f = frame();
    expect(f).toContain('❯ 3. Send Baku an updated draft of the peace agreement');
    expect(f).toContain('expected:');
    await press(stdin, KEY.enter);
    expect(frame()).toContain('2023-10: you played “Send Baku an updated draft of the peace agreement”');
    // What the move did is in the footer, and the News tab says what moved the indicators, and why (issue 14).
    const own = session.head.log!.parties.find((p) => p.party === 'armenia')!;
    expect(own.effects.length).toBeGreaterThan(0);
    await press(stdin, KEY.tab, KEY.pageDown, KEY.pageDown);
    const news = frame();
    expect(news).toContain('What moved, and why (2023-10)');
    expect(news).toMatch(/your “Send Baku an updated draft/);
    expect(frame()).toContain('2023-11 · turn 2 of 12');
    expect(frame()).toContain('● unsaved');
    expect(session.head.log?.parties.find((p) => p.party === 'armenia')?.controller).toBe('human');
  });

  it('handles several keys arriving in one chunk in order', async () => {
    const { frame, stdin } = game('peace-tracks');
    stdin.write(`${KEY.down}${KEY.enter}`);
    await tick(30);
    expect(frame()).toContain('you played “Accept the three principles');
  });
});

describe('play: explanation (w)', () => {
  it('explains a computer party: posture and guard, each option by utility, noise and probability, the quoted source', async () => {
    const { frame, stdin } = game('peace-tracks');
    await press(stdin, 'w');
    expect(frame()).toContain('No turn has been played yet');
    await press(stdin, KEY.escape, KEY.enter, 'w');
    const f = frame();
    expect(f).toContain('Why did they do that?');
    expect(f).toContain('[Azerbaijan]');
    expect(f).toContain('Azerbaijan in 2023-10: Agree a transit route to Nakhchivan through northern');
    expect(f).toContain('Posture: Peace "in the region"');
    expect(f).toMatch(/✔ Agree a transit route .*\+0\.\d{3} +noise [+−]0\.\d{3} +p +\d+%/);
    await press(stdin, KEY.right);
    expect(frame()).toContain('[European Union (with France)]');
    await press(stdin, KEY.down, KEY.pageDown);
    const interests = frame();
    expect(interests).toContain('by interest');
    await press(stdin, KEY.escape);
    expect(frame()).toContain('Your move, Armenia');
  });

  it('names the guard that changed a posture', async () => {
    // sochi-2021, seed 1: the EU turns from convener to energy seeker in 2022-01, the third turn.
    const { frame, stdin, session } = game('sochi-2021', { seed: '1' });
    await press(stdin, KEY.enter, KEY.enter, KEY.enter, 'w', KEY.right);
    const t = session.head.log!.parties.find((p) => p.party === 'eu')!.transition!;
    expect(t.to).toBe('energy_seeker');
    const f = frame().replace(/\n +/g, ' ');
    expect(f).toContain('[European Union]');
    expect(f).toContain(`Posture: Seeking gas — since 2022-01, from Convener, because ${t.guard}`);
  });
});

describe('play: help (?)', () => {
  it('lists the keys, and any key closes it', async () => {
    const { frame, stdin } = game('peace-tracks');
    await press(stdin, '?');
    const f = frame();
    for (const k of ['Enter', 'undo your last turn', 'save the game', 'why: explain', 'quit (asks first']) expect(f).toContain(k);
    await press(stdin, 'x');
    expect(frame()).toContain('Your move');
  });
});

describe('play: undo (u)', () => {
  it('rewinds the last turn and lets the player choose again, never before the start', async () => {
    const { frame, stdin, session } = game('peace-tracks');
    await press(stdin, 'u');
    expect(frame()).toContain('Nothing to undo: this is the first turn you play.');
    await press(stdin, KEY.down, KEY.enter);
    expect(frame()).toContain('turn 2 of 12');
    await press(stdin, 'u');
    expect(frame()).toContain('Undid 2023-10 (“Accept the three principles');
    expect(frame()).toContain('2023-10 · turn 1 of 12');
    expect(session.head.turn).toBe(0);
  });

  it('does not undo the turns that followed history before the start', async () => {
    const { frame, stdin, session } = game('peace-tracks', { from: '2024-02' });
    expect(session.head.turn).toBe(4);
    await press(stdin, 'u');
    expect(frame()).toContain('Nothing to undo');
    expect(session.head.turn).toBe(4);
  });
});

describe('play: save (s)', () => {
  it('writes a save that replays, and names the file', async () => {
    const { frame, stdin, savePath, scenario } = game('peace-tracks');
    await press(stdin, KEY.enter, KEY.down, KEY.enter, 's');
    // One way to count turns (issue 14, bug 3): two turns played (2023-10, 2023-11), the header shows the third, to be played in 2023-12.
    expect(frame()).toContain(`Saved to ${savePath}, after turn 2 (2023-11).`);
    expect(frame()).toContain('2023-12 · turn 3 of 12');
    expect(frame()).toContain('✔ saved');
    const loaded = loadSession(scenario, readFileSync(savePath, 'utf8'));
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(loaded.session.head.turn).toBe(2);
  });

  it('play --resume goes on with a saved game where it was, as the party it names, and saves back to it', async () => {
    const { stdin, savePath, scenario, session } = game('peace-tracks');
    await press(stdin, KEY.enter, KEY.enter, 's');
    const saved = JSON.parse(readFileSync(savePath, 'utf8')) as { players?: string[] };
    expect(saved.players).toEqual(['armenia']);
    const hash = session.head.hash;
    cleanup();

    const r = readSave(savePath);
    const resumed = render(
      <PlayApp
        catalog={[]}
        loadScenario={() => ({ ok: false, message: 'unused' })}
        scenario={r.scenario}
        partyIndex={r.scenario.parties.findIndex((p) => p.id === r.players![0])}
        resumed={{ session: r.session, startTurn: 0 }}
        seed={r.session.seed}
        savePath={() => savePath}
        writeFile={writeFileAtomic}
        backgroundRuns={0}
        replayCommand={() => ''}
        size={SIZE}
      />,
    );
    const f = await waitFor(resumed.lastFrame, (x) => x.includes('Your move, Armenia'));
    expect(f).toContain('2023-12 · turn 3 of 12');
    expect(r.session.head.hash).toBe(hash);
    await press(resumed.stdin, KEY.enter, 's');
    const again = loadSession(scenario, readFileSync(savePath, 'utf8'));
    expect(again.ok && again.session.head.turn).toBe(3);
    // The flags that would start another game are refused with --resume.
    await expect(playCommand(undefined, { resume: savePath, seed: '9', runs: 0 })).rejects.toThrowError('--seed cannot be given with --resume');
  });

  it('says so when the file cannot be written', async () => {
    const scenario = shipped('peace-tracks');
    const setup = createPlaySession(scenario, { seed: '1' });
    if (!setup.ok) throw new Error(setup.message);
    const { lastFrame, stdin } = render(
      <GameScreen
        scenario={scenario}
        session={setup.value.session}
        partyIndex={0}
        startTurn={0}
        seed="1"
        savePath={join(dir, 'no-such-folder', 'x.json')}
        writeFile={writeFileAtomic}
        backgroundRuns={0}
        replayCommand=""
        size={SIZE}
      />,
    );
    await press(stdin, 's');
    expect(lastFrame()).toContain('Could not save: cannot write');
  });
});

describe('play: quit (q)', () => {
  it('quits at once when nothing is unsaved', async () => {
    const quits: QuitSummary[] = [];
    const { stdin } = game('peace-tracks', { onQuit: (s) => quits.push(s) });
    await press(stdin, 'q');
    expect(quits).toEqual([expect.objectContaining({ saved: true, turn: 0 })]);
  });

  it('asks first when turns are unsaved: n keeps playing, y quits, s saves and quits', async () => {
    const quits: QuitSummary[] = [];
    const { frame, stdin, savePath } = game('peace-tracks', { onQuit: (s) => quits.push(s) });
    await press(stdin, KEY.enter, 'q');
    expect(frame()).toContain('Quit with unsaved turns?');
    expect(frame()).toContain('y quit without saving');
    await press(stdin, 'n');
    expect(frame()).toContain('Still playing.');
    expect(quits).toEqual([]);
    await press(stdin, 'q', 's');
    expect(quits).toEqual([{ saved: true, savePath, turn: 1, at: 'after turn 1 (2023-10)' }]);
    expect(JSON.parse(readFileSync(savePath, 'utf8'))).toMatchObject({ format: 'wargame-session', head: 1 });
  });

  it('quits without saving on y', async () => {
    const quits: QuitSummary[] = [];
    const { stdin } = game('peace-tracks', { onQuit: (s) => quits.push(s) });
    await press(stdin, KEY.enter, 'q', 'y');
    expect(quits).toEqual([expect.objectContaining({ saved: false, turn: 1 })]);
  });
});

describe('play: debrief', () => {
  it('shows the outcomes, the path against the history track, and their frequency in a background batch', async () => {
    const { frame, stdin } = game('sochi-2021', { runs: 300 });
    for (let i = 0; i < 12 && !frame().includes('DEBRIEF'); i++) await press(stdin, KEY.enter);
    const first = frame();
    expect(first).toContain('DEBRIEF — you played Armenia');
    expect(first).toContain('game over after');
    const done = await waitFor(frame, (f) => f.includes('of 300 runs'));
    expect(done).toMatch(/: in \d+% of 300 runs; you (got it|did not)/);
    for (let i = 0; i < 6 && !frame().includes('record:'); i++) await press(stdin, KEY.pageDown);
    const path = frame();
    expect(path).toContain('Your path against the history track');
    expect(path).toMatch(/2021-1[12] [✔✖·] /);
    expect(path).toContain('record:');
    await press(stdin, 'u');
    expect(frame()).toContain('Your move, Armenia');
  });

  it('shows progress while the background batch runs', async () => {
    const { frame, stdin } = game('sochi-2021', { runs: 100_000 });
    for (let i = 0; i < 12 && !frame().includes('DEBRIEF'); i++) await press(stdin, KEY.enter);
    const f = await waitFor(frame, (x) => /Background runs for comparison: [\d,]+ of 100,000 computer-played games from 2021-11/.test(x.replace(/\n +/g, ' ')));
    expect(f).toContain('⧗');
  });
});

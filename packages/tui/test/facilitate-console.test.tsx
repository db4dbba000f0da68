import { stripVTControlCharacters } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { beginTurn, loadSession, monthIndex, saveSession, Session, type TurnInputs } from '@wargame/engine';
import { FacilitateApp } from '../src/app/facilitate/FacilitateApp.js';
import { FacilitateScreen, type FacilitateSummary } from '../src/app/facilitate/FacilitateScreen.js';
import { chosenCount, stagedCount, type ConsoleState } from '../src/app/facilitate/console-state.js';
import { bigText } from '../src/app/facilitate/projector.js';
import { facilitateCommand, teamsOfSession } from '../src/commands/facilitate.js';
import { createPlaySession } from '../src/app/play-setup.js';
import { writeFileAtomic } from '../src/io.js';
import { cells } from '../src/app/format.js';
import { KEY, press, shipped, waitFor } from './helpers.js';

const SIZE = { columns: 80, rows: 24 };
let dir: string;
let runs = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wargame-facilitate-'));
  return () => rmSync(dir, { recursive: true, force: true });
});
afterEach(() => cleanup());

function facilitate(opts: { teams?: string[]; seed?: string; scenario?: string; session?: Session; pending?: TurnInputs; savePath?: string; size?: { columns: number; rows: number }; onQuit?: (s: FacilitateSummary) => void } = {}) {
  const scenario = shipped(opts.scenario ?? 'peace-tracks');
  let session = opts.session;
  if (!session) {
    const r = Session.create(scenario, { seed: opts.seed ?? '3' });
    if (!r.ok) throw new Error(r.error.message);
    session = r.session;
  }
  const teams = (opts.teams ?? []).map((id) => scenario.parties.findIndex((p) => p.id === id));
  const savePath = opts.savePath ?? join(dir, `f${++runs}.save.json`);
  let state: ConsoleState | undefined;
  const r = render(
    <FacilitateScreen
      scenario={scenario}
      session={session}
      teams={teams}
      savePath={savePath}
      writeFile={writeFileAtomic}
      size={opts.size ?? SIZE}
      onState={(s) => (state = s)}
      {...(opts.pending ? { pending: opts.pending } : {})}
      {...(opts.onQuit ? { onQuit: opts.onQuit } : {})}
    />,
  );
  return { ...r, scenario, session, savePath, frame: () => r.lastFrame() ?? '', console: () => state! };
}

/** Every line of the frame fits the terminal, counted in cells (⚡ takes two): a line one cell too wide wraps and the screen scrolls under ink. */
const fitsIn = (frame: string, columns: number) => frame.split('\n').every((l) => cells(stripVTControlCharacters(l)) <= columns);

/** Plays a turn from the console with no team at the keyboard. */
async function playTurn(f: ReturnType<typeof facilitate>) {
  const turn = f.session.head.turn;
  await press(f.stdin, KEY.enter);
  await waitFor(f.frame, () => f.session.head.turn === turn + 1);
}

describe('facilitate: picker', () => {
  it('picks the scenario, then the teams (the same picker as play), and starts the console; Esc goes back a step', async () => {
    const savePath = join(dir, `picked${++runs}.save.json`);
    const { lastFrame, stdin } = render(
      <FacilitateApp
        catalog={[
          { id: 'peace-tracks', title: 'After the fall of Karabakh' },
          { id: 'sochi-2021', title: 'After Sochi' },
        ]}
        loadScenario={(id) => ({ ok: true, scenario: shipped(id) })}
        seed="3"
        savePath={() => savePath}
        writeFile={writeFileAtomic}
        size={SIZE}
      />,
    );
    expect(lastFrame()).toContain('wargame facilitate — Choose a scenario');
    await press(stdin, KEY.enter);
    let teams = await waitFor(lastFrame, (f) => f.includes('teams at the keyboard'));
    expect(teams).toContain('Esc back');
    await press(stdin, KEY.escape);
    await waitFor(lastFrame, (f) => f.includes('Choose a scenario'));
    await press(stdin, KEY.enter);
    teams = await waitFor(lastFrame, (f) => f.includes('teams at the keyboard'));
    await press(stdin, ' ', KEY.down, KEY.down, ' ', KEY.enter);
    // Then the month to start at: the first is the scenario's start; a later one follows the record up to it.
    const dates = await waitFor(lastFrame, (f) => f.includes('choose the month the session starts'));
    expect(dates).toContain('2023-10');
    await press(stdin, KEY.down, KEY.enter);
    const console = await waitFor(lastFrame, (f) => f.includes('Facilitator (branch 1 of 1)'));
    expect(console).toContain('Teams at the keyboard: Armenia, European Union');
    expect(console).toContain('2023-11 · turn 2 of 12');
    expect(JSON.parse(readFileSync(savePath, 'utf8'))).toMatchObject({ format: 'wargame-session', seed: '3' });
  });
});

describe('facilitate: the console', () => {
  it('shows the world, the teams, what is staged, the autosave file, and fits 80×24', async () => {
    const f = facilitate({ teams: ['armenia', 'azerbaijan'] });
    const frame = f.frame();
    expect(frame).toContain('Facilitator (branch 1 of 1)');
    expect(frame).toContain('2023-10 · turn 1 of 12');
    expect(frame).toContain('Progress towards a peace treaty');
    expect(frame).toContain('Teams at the keyboard: Armenia, Azerbaijan');
    expect(frame).toContain(`Autosaving to ${f.savePath}`);
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
    expect(fitsIn(frame, 80)).toBe(true);
    // The start is saved at once.
    expect(JSON.parse(readFileSync(f.savePath, 'utf8'))).toMatchObject({ format: 'wargame-session', seed: '3', head: 0 });
  });

  it('shows every key on ?, and any key closes the help', async () => {
    const f = facilitate();
    await press(f.stdin, '?');
    expect(f.frame()).toContain('Facilitator keys');
    expect(f.frame()).toContain('rule a move a success');
    // Longer than 80×24: it scrolls, and any other key closes it.
    await press(f.stdin, KEY.pageDown);
    expect(f.frame()).toContain('Hot seat');
    expect(f.frame().replace(/\s+/g, ' ')).toContain('wargame facilitate --resume');
    await press(f.stdin, 'x');
    expect(f.frame()).toContain('Next turn (1)');
  });

  it('pauses: nothing advances until p resumes', async () => {
    const f = facilitate();
    await press(f.stdin, 'p');
    expect(f.frame()).toContain('PAUSED');
    await press(f.stdin, KEY.enter);
    expect(f.session.head.turn).toBe(0);
    expect(f.frame()).toContain('Paused: press p to resume first.');
    await press(f.stdin, 'p');
    await playTurn(f);
    expect(f.frame()).toContain('Turn 1 (2023-10) resolved; autosaved.');
  });

  it('uses a wide terminal for world and headlines side by side', async () => {
    const f = facilitate({ size: { columns: 130, rows: 40 } });
    await playTurn(f);
    const frame = f.frame();
    expect(frame).toMatch(/ World .* Last turn — 2023-10/);
    expect(fitsIn(frame, 130)).toBe(true);
  });
});

describe('facilitate: hot seat', () => {
  it("hands the keyboard to each team in private; no team sees another's choice until the turn resolves", async () => {
    const f = facilitate({ teams: ['armenia', 'azerbaijan'] });
    await press(f.stdin, KEY.enter);
    const handoff = f.frame();
    expect(handoff).toContain('Pass the keyboard to Armenia');
    expect(handoff).not.toContain('Progress towards');
    await press(f.stdin, KEY.enter);
    expect(f.frame()).toContain('Your move, Armenia');
    await press(f.stdin, KEY.down, KEY.enter);
    // The team sees its choice before it counts, and confirms it.
    expect(f.frame()).toContain('Confirm, Armenia');
    expect(f.frame()).toContain('Accept the three principles');
    // No help behind ? here, so the footer does not offer one (issue 14, bug 7's kind).
    expect(f.frame()).not.toContain('? help');
    expect(chosenCount(f.console())).toBe(0);
    await press(f.stdin, KEY.enter);
    const next = f.frame();
    expect(next).toContain('Pass the keyboard to Azerbaijan');
    expect(next).toContain('1 chosen, kept secret');
    expect(next).not.toContain('three principles');
    expect(next).not.toContain('Armenia:');
    await press(f.stdin, KEY.enter);
    const azerbaijan = f.frame();
    expect(azerbaijan).toContain('Your move, Azerbaijan');
    expect(azerbaijan).not.toContain('three principles');
    // Its news tab is last turn's (none yet), never this round's choices.
    await press(f.stdin, KEY.tab);
    expect(f.frame()).toContain('No turn played yet');
    expect(f.frame()).not.toContain('three principles');
    expect(f.session.head.turn).toBe(0);
    await press(f.stdin, '1', KEY.enter, KEY.enter);
    // The reveal: every move, for the facilitator; Enter resolves.
    const reveal = await waitFor(f.frame, (x) => x.includes('Every move of turn 1'));
    expect(reveal).toContain('Armenia (team): Accept the three principles');
    expect(fitsIn(reveal, 80)).toBe(true);
    expect(f.session.head.turn).toBe(0);
    await press(f.stdin, KEY.enter);
    await waitFor(f.frame, (x) => x.includes('Turn 1 (2023-10) resolved'));
    expect(f.session.head.inputs).toEqual({ choices: { armenia: 'accept_three_principles', azerbaijan: 'wait_and_balance' } });
    expect(f.frame()).toContain('Armenia: Accept the three principles');
  });

  it('? on a team screen shows the team its keys, and any key goes back to its choice (issue 14, bug 7)', async () => {
    const f = facilitate({ teams: ['armenia', 'azerbaijan'] });
    await press(f.stdin, KEY.enter, KEY.enter);
    expect(f.frame()).toContain('? help');
    await press(f.stdin, '?');
    expect(f.frame()).toContain('Keys for team Armenia');
    expect(f.frame()).toContain('pick the move of that number');
    await press(f.stdin, 'x');
    expect(f.frame()).toContain('Your move, Armenia');
    expect(chosenCount(f.console())).toBe(0);
    // g shows the team its goals, in the world it decides in.
    await press(f.stdin, 'g');
    expect(f.frame()).toContain('Your goals as Armenia');
    await press(f.stdin, 'x');
    expect(f.frame()).toContain('Your move, Armenia');
  });

  it("hides from teams which move is on the record unless the facilitator shows it (h)", async () => {
    // The flagship in 2022-09: Baku's attack is on the record.
    const scenario = shipped('south-caucasus');
    const created = createPlaySession(scenario, { seed: '2', from: monthIndex('2022-09') });
    if (!created.ok) throw new Error(created.message);
    const f = facilitate({ scenario: 'south-caucasus', session: created.value.session, teams: ['azerbaijan'], size: { columns: 120, rows: 40 } });
    await press(f.stdin, KEY.enter, KEY.enter);
    expect(f.frame()).toContain('Your move, Azerbaijan');
    expect(f.frame()).not.toContain('[on the record]');
    await press(f.stdin, KEY.escape, KEY.escape, 'h');
    expect(f.console().status).toContain('Teams now see which of their moves is on the record');
    await press(f.stdin, KEY.enter, KEY.enter);
    expect(f.frame()).toContain('[on the record]');
  });

  it('Esc goes back from a team to its hand-off, and from a hand-off cancels the turn without keeping choices', async () => {
    const f = facilitate({ teams: ['armenia', 'azerbaijan'] });
    await press(f.stdin, KEY.enter, KEY.enter, KEY.enter, KEY.enter);
    expect(f.frame()).toContain('Pass the keyboard to Azerbaijan');
    await press(f.stdin, KEY.escape);
    await waitFor(f.frame, (x) => x.includes('Turn cancelled: no team choice was kept.'));
    expect(chosenCount(f.console())).toBe(0);
    await press(f.stdin, KEY.enter, KEY.enter, KEY.escape);
    expect(f.frame()).toContain('Pass the keyboard to Armenia');
  });
});

describe('facilitate: inject', () => {
  it('injects a scenario event and a written one with effects on indicators', async () => {
    const f = facilitate();
    await press(f.stdin, 'i');
    expect(f.frame()).toContain('Inject an event into the next turn');
    await press(f.stdin, 'e');
    expect(f.frame()).toContain('Scenario events (8)');
    await press(f.stdin, KEY.down, KEY.down, KEY.down);
    expect(f.frame()).toContain('effects:');
    await press(f.stdin, KEY.enter);
    expect(f.frame()).toContain('Staged for the next turn: ⚡ Shooting on the Armenia–Azerbaijan border.');
    // The status and the staged line hold a wide character: the lines still fit (issue 14, bug 4: rows overwrote each other).
    expect(fitsIn(f.frame(), 80)).toBe(true);
    await press(f.stdin, 'i', 'w');
    expect(f.frame()).toContain('its headline');
    await press(f.stdin, 'Border clash near Sotk', KEY.enter);
    expect(f.frame()).toContain('effects of “Border clash near Sotk”');
    await press(f.stdin, '+5', KEY.down, '-3', KEY.enter);
    expect(f.frame()).toContain('⚡ inject “Border clash near Sotk”');
    await playTurn(f);
    expect(f.session.head.inputs).toEqual({
      inject: [{ event: 'border_incident' }, { custom: { id: 'custom_border_clash_near_sotk', label: 'Border clash near Sotk', effects: { peace_progress: 5, border_tension: -3 } } }],
    });
    const injected = f.session.head.log!.events.filter((e) => e.kind === 'injected').map((e) => e.id);
    expect(injected).toEqual(['border_incident', 'custom_border_clash_near_sotk']);
    expect(f.frame()).toContain('⚡ Border clash near Sotk (injected)');
  });

  it("offers a team the moves of the world after the staged inject, and plays the one it chose", async () => {
    // peace-tracks, seed 4, turn 2: with a border incident the EU stays Armenia's backer instead of turning mediator, which opens threatening sanctions and closes courting Baku's gas.
    const scenario = shipped('peace-tracks');
    const created = Session.create(scenario, { seed: '4' });
    if (!created.ok) throw new Error(created.error.message);
    created.session.advance({});
    const f = facilitate({ session: created.session, teams: ['eu'] });
    const eu = scenario.parties.find((p) => p.id === 'eu')!;
    const label = (id: string) => eu.moves.find((m) => m.id === id)!.label.slice(0, 30);
    const posture = (id: string) => eu.postureLabels[eu.postures.indexOf(id)]!;
    // Without the inject, the EU would decide as a mediator, with Baku's gas on offer.
    const plain = beginTurn(scenario, f.session.state);
    if (!plain.ok) throw new Error(plain.error.message);
    expect(plain.context.parties[eu.index]).toMatchObject({ posture: 'mediator' });
    expect(plain.context.parties[eu.index]!.offers.map((o) => o.move)).toContain('court_baku_gas');
    await press(f.stdin, 'i', 'e', KEY.down, KEY.down, KEY.down);
    expect(f.frame()).toMatch(/❯ Shooting on the Armenia–Azerbaijan border/);
    await press(f.stdin, KEY.enter, KEY.enter);
    await waitFor(f.frame, (x) => x.includes(`Pass the keyboard to ${eu.name}`));
    await press(f.stdin, KEY.enter);
    const team = await waitFor(f.frame, (x) => x.includes(`Your move, ${eu.name}`));
    expect(team).toContain(`Team ${eu.name} (${posture('armenia_backer')})`);
    expect(team).toContain(label('threaten_sanctions'));
    expect(team).not.toContain(label('court_baku_gas'));
    const offers = beginTurn(scenario, f.session.state, { inject: [{ event: 'border_incident' }] });
    if (!offers.ok) throw new Error(offers.error.message);
    const at = offers.context.parties[eu.index]!.offers.findIndex((o) => o.move === 'threaten_sanctions');
    await press(f.stdin, ...Array.from({ length: at }, () => KEY.down), KEY.enter, KEY.enter);
    await waitFor(f.frame, (x) => x.includes('Every move of turn 2'));
    await press(f.stdin, KEY.enter);
    await waitFor(f.frame, (x) => /Turn 2 \(2023-11\) resolved|refused/.test(x));
    expect(f.frame()).not.toContain('refused');
    expect(f.session.head.inputs).toEqual({ choices: { eu: 'threaten_sanctions' }, inject: [{ event: 'border_incident' }] });
    expect(f.session.head.log!.parties.find((p) => p.party === 'eu')).toMatchObject({ controller: 'human', move: 'threaten_sanctions', posture: 'armenia_backer' });
  });

  it('finds a target in the effects editor by typing its name, instead of scrolling every row (issue 14)', async () => {
    const f = facilitate({ scenario: 'south-caucasus' });
    await press(f.stdin, 'i', 'w', 'Ceasefire talks', KEY.enter);
    const targets = f.scenario.indicators.length;
    expect(targets).toBeGreaterThan(30);
    // "lachin": only the Lachin corridor's access, wherever it stands in the list.
    await press(f.stdin, 'lachin');
    const found = f.frame();
    expect(found).toMatch(/find: lachin \(1 of \d+\)/);
    expect(found).toContain('❯ Access through the Lachin corridor');
    await press(f.stdin, '+10', KEY.enter);
    const staged = f.console().staged.inject.at(-1)!;
    expect('custom' in staged && staged.custom.effects).toEqual({ lachin_access: 10 });
    // A search with no match says so; Backspace takes letters back.
    await press(f.stdin, 'i', 'w', 'X', KEY.enter, 'zzq');
    expect(f.frame()).toContain('nothing matches');
    await press(f.stdin, '\u007f', '\u007f', '\u007f');
    expect(f.frame()).toContain('type letters to find');
  });

  it('refuses to stage a written event without an amount, and x clears what is staged', async () => {
    const f = facilitate();
    await press(f.stdin, 'i', 'w', 'Rumours', KEY.enter, KEY.enter);
    expect(f.frame()).toContain('Type an amount for at least one indicator');
    await press(f.stdin, '=40', KEY.enter);
    expect(f.console().staged.inject).toEqual([{ custom: { id: 'custom_rumours', label: 'Rumours', effects: { peace_progress: { set: 40 } } } }]);
    await press(f.stdin, 'x');
    expect(f.frame()).toContain('Cleared 1 staged change.');
    expect(stagedCount(f.console())).toBe(0);
  });
});

describe('facilitate: adjudicate', () => {
  it("rules a party's move has other effects this turn (TurnInputs.adjudicate)", async () => {
    const f = facilitate({ teams: ['armenia'] });
    await press(f.stdin, 'a');
    expect(f.frame()).toContain("Adjudicate: whose move's result");
    await press(f.stdin, KEY.down, KEY.enter);
    expect(f.frame()).toContain("Ruling: Azerbaijan's move");
    await press(f.stdin, KEY.down, '+10', KEY.enter);
    expect(f.frame()).toContain("⚖ ruling on Azerbaijan's move: Tension on the Armenia–Azerbaijan border +10");
    await press(f.stdin, KEY.enter, KEY.enter, KEY.enter, KEY.enter);
    // The ruling staged before the turn shows in the reveal, on Azerbaijan's move.
    const reveal = await waitFor(f.frame, (x) => x.includes('Every move of turn 1'));
    expect(reveal).toContain('⚖ ruled: Tension on the Armenia–Azerbaijan border +10');
    await press(f.stdin, KEY.enter);
    await waitFor(f.frame, () => f.session.head.turn === 1);
    expect(f.session.head.inputs).toEqual({ choices: { armenia: 'hold_line' }, adjudicate: { azerbaijan: { border_tension: 10 } } });
    const az = f.session.head.log!.parties.find((p) => p.party === 'azerbaijan')!;
    expect(az.adjudicated).toBe(true);
    expect(az.effects.map((e) => e.key)).toEqual(['border_tension']);
  });
});

describe('facilitate: rewind, fork and branches', () => {
  it('rewinds to a turn, forks a what-if as a new branch, and switches branch in the tree', async () => {
    const f = facilitate();
    for (let i = 0; i < 3; i++) await playTurn(f);
    await press(f.stdin, 'r');
    expect(f.frame()).toContain('Rewind to…');
    expect(f.frame()).toContain('after turn 3 (2023-12)');
    await press(f.stdin, KEY.up, KEY.enter);
    expect(f.session.head.turn).toBe(1);
    expect(f.frame()).toContain('Rewound to after turn 1 (2023-10)');

    await press(f.stdin, 'f');
    expect(f.frame()).toContain('Fork a what-if from…');
    await press(f.stdin, KEY.enter);
    expect(f.frame()).toContain('What-if from after turn 1 (2023-10)');
    await press(f.stdin, 'i', 'e', KEY.enter);
    await playTurn(f);
    expect(f.frame()).toContain('on a new branch (2 branches)');
    expect(f.session.branches()).toHaveLength(2);

    await press(f.stdin, 'b');
    const tree = f.frame();
    expect(tree).toContain('Branches (2)');
    expect(tree).toMatch(/● branch 1 · turns 1–3/);
    expect(tree).toMatch(/└─● branch 2 ◀ now · forked after turn 1, turns 2–2 · to 2023-11/);
    // The facilitator names the main line.
    await press(f.stdin, KEY.up, 'n');
    expect(f.frame()).toContain('Name branch 1');
    await press(f.stdin, 'Record', KEY.enter);
    expect(f.frame()).toContain('Branch 1 is named “Record”; saved.');
    expect(f.frame()).toMatch(/❯ ● branch 1 “Record” · turns 1–3/);
    await press(f.stdin, KEY.enter);
    expect(f.session.head.turn).toBe(3);
    expect(f.frame()).toContain('Switched to branch 1, after turn 3 (2023-12); saved.');
    expect(f.frame()).toContain('Facilitator (branch 1 of 2 “Record”)');
    // Playing on along branch 1 keeps it branch 1 (issue 14, bug 2).
    await playTurn(f);
    await press(f.stdin, 'b');
    expect(f.frame()).toMatch(/● branch 1 “Record” ◀ now · turns 1–4/);
    expect(f.frame()).toMatch(/└─● branch 2 · forked after turn 1, turns 2–2/);
    await press(f.stdin, KEY.escape);
    // The save holds the whole tree, the names and the head.
    const saved = loadSession(f.scenario, readFileSync(f.savePath, 'utf8'));
    expect(saved.ok && saved.session.branches().map((b) => b.name)).toEqual(['Record', undefined]);
    expect(saved.ok && saved.session.head.hash).toBe(f.session.head.hash);
  });

  it('says so when a what-if is played with the same inputs (it rejoins the branch)', async () => {
    const f = facilitate();
    await playTurn(f);
    await playTurn(f);
    await press(f.stdin, 'f', KEY.up, KEY.enter);
    await playTurn(f);
    expect(f.console().status).toBe('Turn 2 (2023-11) resolved with the same inputs as before: back on the existing branch; autosaved.');
    expect(f.session.branches()).toHaveLength(1);
  });
});

describe('facilitate: the agenda (--from, fast months)', () => {
  it('fast months: the record plays while it lasts, then the computer; the teams take the keyboard again after', async () => {
    // The flagship from 2024-03 (its record runs to mid-2024): five fast turns are three on the record and two by the computer.
    const scenario = shipped('south-caucasus');
    const created = createPlaySession(scenario, { seed: '4', from: monthIndex('2024-03') });
    if (!created.ok) throw new Error(created.message);
    const f = facilitate({ scenario: 'south-caucasus', session: created.value.session, teams: ['armenia', 'azerbaijan'], size: { columns: 100, rows: 30 } });
    const lastRecorded = Math.max(...scenario.history.map((h) => h.month));
    const before = f.session.head.turn;
    await press(f.stdin, 'm');
    expect(f.frame()).toContain('Fast months');
    await press(f.stdin, '5', KEY.enter);
    await waitFor(f.frame, () => f.session.head.turn === before + 5);
    const path = f.session.path().slice(-5);
    const expectedRecord = path.filter((n) => n.inputs?.history === true).length;
    expect(expectedRecord).toBe(path.filter((n) => monthIndex(n.log!.date) <= lastRecorded).length);
    expect(expectedRecord).toBeGreaterThan(0);
    expect(expectedRecord).toBeLessThan(5);
    expect(f.console().status).toBe(`Fast months: 5 turns, 2024-03–2024-07: the record for ${expectedRecord}, the computer for ${5 - expectedRecord}; saved.`);
    // No team chose in those turns; the next Enter hands the keyboard to the teams again.
    expect(path.every((n) => n.inputs?.choices === undefined)).toBe(true);
    await press(f.stdin, KEY.enter);
    expect(f.frame()).toContain('Pass the keyboard to Armenia');
    // What is staged must be played or cleared first.
    await press(f.stdin, KEY.escape, 'i', 'e', KEY.enter, 'm');
    expect(f.console().status).toBe('Play or clear (x) what is staged before fast months.');
  });
});

describe('facilitate: annotate', () => {
  it('annotates the current turn; the note is saved and shown', async () => {
    const f = facilitate();
    await playTurn(f);
    await press(f.stdin, 'w');
    expect(f.frame()).toContain('Note on after turn 1 (2023-10)');
    await press(f.stdin, 'Teams argued over the corridor', KEY.enter);
    expect(f.session.head.note).toBe('Teams argued over the corridor');
    expect(f.frame()).toContain('✎ Teams argued over the corridor');
    const save = JSON.parse(readFileSync(f.savePath, 'utf8')) as { nodes: { note?: string }[] };
    expect(save.nodes[1]!.note).toBe('Teams argued over the corridor');
    // A second note on the same turn goes on its own line, not glued to the first (issue 14, bug 7).
    await press(f.stdin, 'w', 'Baku team conceded', KEY.enter);
    expect(f.session.head.note).toBe('Teams argued over the corridor\nBaku team conceded');
    // Opened and kept unchanged, the note stays as it was.
    await press(f.stdin, 'w', KEY.enter);
    expect(f.session.head.note).toBe('Teams argued over the corridor\nBaku team conceded');
  });
});

describe('facilitate: projector view', () => {
  it('toggles a large, uncluttered view of the world with v', async () => {
    const f = facilitate({ teams: ['armenia'] });
    await press(f.stdin, 'v');
    const view = f.frame();
    const [top] = bigText('2023-10');
    expect(view).toContain(top);
    expect(view).toContain('turn 1 of 12');
    expect(view).toContain('No turn played yet');
    expect(view).not.toContain('Teams at the keyboard');
    expect(fitsIn(view, 80)).toBe(true);
    await press(f.stdin, 'v');
    expect(f.frame()).toContain('Teams at the keyboard');
  });

  it('shows the date in block digits and last turn’s headlines after a turn', async () => {
    const f = facilitate({ size: { columns: 100, rows: 40 } });
    await playTurn(f);
    await press(f.stdin, 'v');
    const view = f.frame();
    for (const row of bigText('2023-11')) expect(view).toContain(row);
    expect(view).toContain('Last turn, 2023-10');
    expect(view).toContain('• Armenia:');
    expect(view).not.toContain('“');
  });
});

describe('facilitate: autosave and resume', () => {
  it('autosaves after every turn; a resumed session is where it was', async () => {
    let summary: FacilitateSummary | undefined;
    const f = facilitate({ scenario: 'sochi-2021', seed: '7', teams: ['armenia'], onQuit: (s) => (summary = s) });
    for (let i = 0; i < 2; i++) {
      await press(f.stdin, KEY.enter, KEY.enter, KEY.enter, KEY.enter, KEY.enter);
      await waitFor(f.frame, () => f.session.head.turn === i + 1);
      const save = loadSession(f.scenario, readFileSync(f.savePath, 'utf8'));
      expect(save.ok && save.session.head.hash).toBe(f.session.head.hash);
    }
    await press(f.stdin, 'q');
    expect(f.frame()).toContain('End the session?');
    await press(f.stdin, 'y');
    expect(summary).toEqual({ savePath: f.savePath, turn: 2, at: 'after turn 2 (2021-12)', hash: f.session.head.hash, saved: true });
    cleanup();

    const resumed = loadSession(f.scenario, readFileSync(f.savePath, 'utf8'));
    if (!resumed.ok) throw new Error(resumed.error.message);
    expect(teamsOfSession(resumed.session)).toEqual([f.scenario.parties.findIndex((p) => p.id === 'armenia')]);
    const g = facilitate({ scenario: 'sochi-2021', session: resumed.session, teams: ['armenia'] });
    expect(g.frame()).toContain('turn 3 of');
    expect(saveSession(g.session)).toEqual(saveSession(f.session));
  });

  it('saves a round as it is entered: after a crash mid-round, the resumed round keeps the staged inject and the choices made, and plays the same turn', async () => {
    // The uninterrupted round: an inject staged, Armenia then Azerbaijan choose.
    const whole = facilitate({ seed: '5', teams: ['armenia', 'azerbaijan'] });
    await press(whole.stdin, 'i', 'e', KEY.down, KEY.down, KEY.down, KEY.enter);
    await press(whole.stdin, KEY.enter, KEY.enter, KEY.down, KEY.enter, KEY.enter, KEY.enter, KEY.enter, KEY.enter, KEY.enter);
    await waitFor(whole.frame, (x) => x.includes('Turn 1 (2023-10) resolved'));
    const expected = whole.session.head;
    cleanup();

    // The same round, cut off after Armenia has chosen: the save already holds it.
    const f = facilitate({ seed: '5', teams: ['armenia', 'azerbaijan'] });
    await press(f.stdin, 'i', 'e', KEY.down, KEY.down, KEY.down, KEY.enter);
    let saved = JSON.parse(readFileSync(f.savePath, 'utf8')) as { pending?: TurnInputs; players?: string[] };
    expect(saved.pending, 'the staged inject is saved as soon as it is staged').toEqual({ inject: [{ event: 'border_incident' }] });
    await press(f.stdin, KEY.enter, KEY.enter, KEY.down, KEY.enter, KEY.enter);
    expect(f.frame()).toContain('Pass the keyboard to Azerbaijan');
    saved = JSON.parse(readFileSync(f.savePath, 'utf8')) as { pending?: TurnInputs; players?: string[] };
    expect(saved.pending).toEqual({ choices: { armenia: expected.inputs!.choices!['armenia'] }, inject: [{ event: 'border_incident' }] });
    expect(saved.players, 'the teams are saved, so a resumed session knows them before any turn is played').toEqual(['armenia', 'azerbaijan']);
    expect(f.session.head.turn).toBe(0);
    cleanup(); // the crash: nothing else is written

    const loaded = loadSession(f.scenario, readFileSync(f.savePath, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.pending).toEqual(saved.pending);
    expect(loaded.players).toEqual(['armenia', 'azerbaijan']);
    const g = facilitate({ session: loaded.session, pending: loaded.pending!, savePath: f.savePath, teams: loaded.players! });
    expect(g.frame()).toContain('Pass the keyboard to Azerbaijan');
    expect(chosenCount(g.console())).toBe(1);
    expect(stagedCount(g.console())).toBe(1);
    await press(g.stdin, KEY.enter, KEY.enter, KEY.enter, KEY.enter);
    await waitFor(g.frame, (x) => x.includes('Turn 1 (2023-10) resolved'));
    expect(g.session.head.inputs).toEqual(expected.inputs);
    expect(g.session.head.hash).toBe(expected.hash);
    // Once played, the save holds no round in progress.
    expect((JSON.parse(readFileSync(f.savePath, 'utf8')) as { pending?: unknown }).pending).toBeUndefined();
  });

  it('refuses a save whose round in progress the turn would not accept, or whose players are not parties, saying which', async () => {
    const s = Session.create(shipped('peace-tracks'), { seed: '5' });
    if (!s.ok) throw new Error('setup');
    const bad = join(dir, 'bad-round.save.json');
    writeFileSync(bad, JSON.stringify(saveSession(s.session, { pending: { choices: { armenia: 'no_such_move' } } })));
    await expect(facilitateCommand(undefined, { resume: bad })).rejects.toThrowError(/the round in progress after turn 0 is refused: .*no_such_move/);
    const stranger = join(dir, 'bad-players.save.json');
    writeFileSync(stranger, JSON.stringify(saveSession(s.session, { players: ['armenia', 'atlantis'] })));
    await expect(facilitateCommand(undefined, { resume: stranger })).rejects.toThrowError('"players" names "atlantis", which is not a party of peace-tracks');
  });

  it('refuses a broken or foreign save with a precise message (exit 1)', async () => {
    const broken = join(dir, 'broken.save.json');
    writeFileSync(broken, '{"format": "wargame-session", "version": 1, "scenario": {"id": "peace-tracks"');
    await expect(facilitateCommand(undefined, { resume: broken })).rejects.toThrowError(`${broken}: ✖ the save is not valid JSON`);
    const s = Session.create(shipped('sochi-2021'), { seed: '1' });
    if (!s.ok) throw new Error('setup');
    s.session.advance({});
    const foreign = join(dir, 'foreign.save.json');
    writeFileSync(foreign, JSON.stringify(saveSession(s.session)));
    await expect(facilitateCommand('peace-tracks', { resume: foreign })).rejects.toMatchObject({
      exitCode: 1,
      message: `${foreign}: ✖ the save is of scenario "sochi-2021", not "peace-tracks"`,
    });
    const edited = JSON.parse(JSON.stringify(saveSession(s.session))) as { nodes: { hash: string }[] };
    edited.nodes[1]!.hash = '0000000000000000';
    const tampered = join(dir, 'tampered.save.json');
    writeFileSync(tampered, JSON.stringify(edited));
    await expect(facilitateCommand(undefined, { resume: tampered })).rejects.toThrowError(/node 1 \(turn 1\): the replayed state hash [0-9a-f]+ differs from the saved 0000000000000000/);
    await expect(facilitateCommand(undefined, { resume: foreign, seed: '2' })).rejects.toThrowError('--seed cannot be given with --resume');
    await expect(facilitateCommand(undefined, { resume: foreign, from: '2022-01' })).rejects.toThrowError('--from cannot be given with --resume');
    await expect(facilitateCommand('peace-tracks', { from: '2030-01' })).rejects.toThrowError("--from 2030-01 is outside scenario peace-tracks's calendar");
    await expect(facilitateCommand(undefined, { from: '2022-01' })).rejects.toThrowError('--from needs a scenario');
  });

  it('says it needs a terminal and exits 2 when stdin is not one', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await facilitateCommand('peace-tracks', { teams: 'armenia', seed: '1', save: join(dir, 'never.save.json') });
      expect(code).toBe(2);
      expect(String(write.mock.calls[0]?.[0])).toContain('wargame facilitate is interactive and needs a terminal');
    } finally {
      write.mockRestore();
    }
  });
});

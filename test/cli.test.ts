import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { root } from './helpers/scenarios.js';

const fixture = 'test/fixtures/scenarios/two-party.yaml';

describe('wargame run', () => {
  it('prints a readable turn-by-turn account with the replay command', () => {
    const r = runCli(['run', fixture, '--seed', '42']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`replay: wargame run ${fixture} --seed 42`);
    expect(r.stdout).toMatch(/── Turn 1 · 2021-11 ─+\n/);
    expect(r.stdout).toMatch(/A \[calm\]: Talk\n {6}why: serves "Keep calm"/);
    expect(r.stdout).toMatch(/OUTCOMES\n {2}Calm: (true|false)/);
    expect(r.stdout).toMatch(/final state hash [0-9a-f]{16} after 6 turns\n$/);
  });

  it('--json prints the full trajectory', () => {
    const r = runCli(['run', fixture, '--seed', '42', '--json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(Object.keys(run)).toEqual(['scenario', 'seed', 'seedDrawn', 'params', 'replay', 'initialHash', 'turns', 'outcomes', 'finalHash']);
    expect(run.seed).toBe('42');
    expect(run.turns).toHaveLength(6);
    const turn = run.turns[0];
    expect(Object.keys(turn)).toEqual(['turn', 'date', 'events', 'parties', 'indicators', 'changes', 'relationChanges', 'ended', 'stateHash']);
    const party = turn.parties[0];
    expect(party).toMatchObject({ party: 'a', posture: 'calm', controller: 'computer', move: 'talk' });
    expect(Object.keys(party.reason)).toEqual(['summary', 'topInterest', 'options', 'temperature', 'noiseSd', 'cite']);
    expect(Object.keys(party.reason.options[0])).toEqual(['move', 'utility', 'byInterest', 'noise', 'probability']);
    expect(party.reason.cite[0]).toEqual({ source: 'a.txt', quote: 'talking is good' });
    expect(run.outcomes).toMatchObject({ calm_end: { value: expect.any(Boolean) }, mood: { value: expect.stringMatching(/good|bad/) } });
    expect(run.finalHash).toBe(run.turns[5].stateHash);
  });

  it('--turns stops early and --set sets a parameter', () => {
    const base = JSON.parse(runCli(['run', fixture, '--seed', '1', '--json']).stdout);
    const r = runCli(['run', fixture, '--seed', '1', '--turns', '2', '--set', 'pressure=90', '--json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.turns).toHaveLength(2);
    expect(run.params).toEqual({ pressure: 90 });
    expect(run.replay).toBe(`wargame run ${fixture} --seed 1 --set pressure=90 --turns 2`);
    expect(run.initialHash).not.toBe(base.initialHash);
  });

  it('without --seed it draws one and says how to replay', () => {
    const r = runCli(['run', fixture]);
    expect(r.code).toBe(0);
    const seed = /drew seed (\d+)/.exec(r.stdout)?.[1];
    expect(seed).toBeDefined();
    expect(r.stdout).toContain(`replay: wargame run ${fixture} --seed ${seed}\n`);
    const again = runCli(['run', fixture, '--seed', seed!]);
    expect(again.stdout.split('final state hash')[1]).toBe(r.stdout.split('final state hash')[1]);
  });

  it('bad flags and values get a clear error and a non-zero exit, without a stack trace', () => {
    const cases: [string[], string][] = [
      [['run', fixture, '--sed', '4'], "error: unknown option '--sed'\n(Did you mean one of --seed, --set?)\n(add --help for usage)\n"],
      [['run', fixture, '--turns', 'ten'], "error: option '--turns <n>' argument 'ten' is invalid. expected a whole number from 1 to 100000.\n(add --help for usage)\n"],
      [['run', fixture, '--set', 'pressure'], "error: option '--set <name=value>' argument 'pressure' is invalid. expected name=value (e.g. western_pressure=60 or party.russia.noise=0.1), got \"pressure\".\n(add --help for usage)\n"],
      [['run', fixture, '--set', 'pressure=abc'], "error: option '--set <name=value>' argument 'pressure=abc' is invalid. the value of pressure must be a number, got \"abc\".\n(add --help for usage)\n"],
      [['run', fixture, '--set', 'pressure=900'], 'parameter "pressure" must be between 0 and 100, got 900\n'],
      [
        ['run', fixture, '--set', 'presure=9'],
        'unknown path "presure"; did you mean "pressure"? (a parameter, event.<id>.chance, indicator.<id>.initial, relation.<a>.<b>.initial, party.<id>.temperature|noise, party.<id>.interest.<id>.weight, party.<id>.move.<id>.chance)\n',
      ],
      [['frobnicate'], "error: unknown command 'frobnicate'\n(add --help for usage)\n"],
      [['run'], "error: missing required argument 'scenario'\n(add --help for usage)\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toBe(stderr);
      expect(r.stdout, args.join(' ')).toBe('');
    }
  });

  it('a missing file or unknown scenario id is reported as such', () => {
    const r = runCli(['run', 'scenarios/nope.yaml', '--seed', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^✖ no scenario "scenarios\/nope.yaml": not a file or folder, nor a shipped scenario; shipped: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('wargame validate', () => {
  it('says a valid scenario is valid, exit 0', () => {
    const r = runCli(['validate', fixture, '--no-quotes']);
    expect(r.stdout).toBe(`✔ ${fixture}: two-party is valid (2 parties, 6 turns, 1 file)\n`);
    expect(r.code).toBe(0);
  });

  it('reports every problem with file:line:column and path, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      ['id: bad', 'title: Bad', 'description: d', 'calendar: { start: 2021-13, turns: 3 }', 'indicators: { x: { label: X, min: 0, max: 10, initial: 5, colour: red } }', 'parties: {}', ''].join('\n'),
    );
    const r = runCli(['validate', 'bad.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        'bad.yaml:4:20 ✖ expected a month as "YYYY-MM", got the string "2021-13" → at calendar.start',
        'bad.yaml:5:59 ✖ unknown key "colour" → at indicators.x.colour',
        '✖ bad.yaml: 2 problems',
        '',
      ].join('\n'),
    );
  });

  it('checks that quotes are verbatim in their sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-'));
    writeFileSync(join(dir, 'a.txt'), 'keep it calm please. talking is good, and trade is good.\nA shock happened.');
    const text = readFileSync(join(root, fixture), 'utf8');
    writeFileSync(join(dir, 'two.yaml'), text);
    const r = runCli(['validate', 'two.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/two.yaml:\d+:\d+ ✖ the quote is not in a.txt \(it must be verbatim\): "shouting is bad" → at parties.a.moves\[1\].cite\[0\].quote\n/);
    expect(r.stderr).toMatch(/a.txt \(it must be verbatim\): "a shock happened" → at events\[0\].cite\[0\].quote\n[\s\S]*✖ two.yaml: 3 problems\n$/);
  });
});

describe('wargame schema and inspect', () => {
  it('schema prints the JSON Schema', () => {
    const r = runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.parties.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'title', 'calendar', 'indicators', 'parties']));
  });

  it('inspect summarises a scenario, as text and as JSON', () => {
    const text = runCli(['inspect', fixture]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('PARTIES (2)\n  A [a], seat Acity\n    postures: calm (initial), angry\n');
    const json = JSON.parse(runCli(['inspect', fixture, '--json']).stdout);
    expect(Object.keys(json)).toEqual(['id', 'title', 'description', 'hash', 'calendar', 'parties', 'indicators', 'relations', 'events', 'outcomes', 'parameters', 'history', 'sources']);
    expect(json.parties[0].interests[0].cite).toEqual([{ source: 'a.txt', quote: 'keep it calm please' }]);
  });
});

describe('wargame run --save and wargame replay', () => {
  it('a saved run replays with every hash verified; an edited one is refused with the node named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-'));
    const save = join(dir, 'run.json');
    const run = runCli(['run', fixture, '--seed', '5', '--save', save, '--json']);
    expect(run.code).toBe(0);
    const final = JSON.parse(run.stdout).finalHash;
    const ok = runCli(['replay', save, '--scenario', fixture, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, seed: '5', nodes: 7, head: { turn: 6, hash: final } });

    const edited = JSON.parse(readFileSync(save, 'utf8'));
    edited.nodes[2].inputs = { inject: [{ event: 'shock' }] };
    writeFileSync(save, JSON.stringify(edited));
    const bad = runCli(['replay', save, '--scenario', fixture]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^.*run\.json: ✖ node 2 \(turn 2\): the replayed state hash [0-9a-f]{16} differs from the saved [0-9a-f]{16}: the save was edited or made by a different engine\n$/);
  });

  it('a file that is not a save, or is broken, gets a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-'));
    writeFileSync(join(dir, 'broken.json'), '{"format": "wargame-session", "version": 1, "scenario": {"id": "two-party"');
    const broken = runCli(['replay', 'broken.json', '--scenario', join(root, fixture)], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^broken\.json: ✖ the save is not valid JSON: /);
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    const other = runCli(['replay', 'other.json', '--scenario', join(root, fixture)], { cwd: dir });
    expect(other.stderr).toBe('other.json: ✖ not a wargame save file (expected "format": "wargame-session")\n');
    expect(runCli(['replay', 'missing.json'], { cwd: dir }).stderr).toBe('missing.json: cannot read the save: ENOENT\n');
  });
});

describe('hostile files', () => {
  it('a 50 MB scenario file is refused at once, without reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-'));
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `id: big\ndescription: "${'x'.repeat(50 * 1024 * 1024)}"\n`);
    const r = runCli(['validate', 'big.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('big.yaml:1:1 ✖ the file is 50.0 MB; scenario files are limited to 2 MB\n✖ big.yaml: 1 problem\n');
  });

  it('a directory with no scenario files is reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-'));
    const r = runCli(['validate', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('. ✖ the folder has no .yaml files\n✖ .: 1 problem\n');
  });
});

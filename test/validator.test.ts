/**
 * The validator as an author meets it: every broken fixture's full list of
 * issues pinned by stable code and position (a change to either is a reviewed
 * change), and for the fixtures whose wording matters, the messages as
 * `wargame validate` prints them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatIssue, formatPath, ISSUE_CODES, loadScenario, MAX_SCENARIO_BYTES, type SourceFile } from '@wargame/engine';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BROKEN = 'test/fixtures/broken';
const MINIMAL = 'test/fixtures/scenarios/minimal.yaml';

function read(name: string): SourceFile {
  return { name, text: readFileSync(join(root, name), 'utf8') };
}

function brokenFiles(): string[] {
  return readdirSync(join(root, BROKEN))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** The formatted issues of a broken fixture (it must not load). */
function issuesOf(name: string): string {
  const r = loadScenario([read(`${BROKEN}/${name}.yaml`)]);
  if (r.ok) throw new Error(`${name}.yaml loaded without issues`);
  return r.issues.map(formatIssue).join('\n');
}

/** A broken fixture's issues by code and place (\`line:column code → path\`): what the tests pin, so a message can be reworded freely. */
function codesOf(name: string): string {
  const r = loadScenario([read(`${BROKEN}/${name}.yaml`)]);
  if (r.ok) throw new Error(`${name}.yaml loaded without issues`);
  return r.issues.map((i) => `${i.line}:${i.column} ${i.code}${i.path.length > 0 ? ` → ${formatPath(i.path)}` : ''}`).join('\n');
}

/** Loads minimal.yaml with some text replaced (each replacement must match exactly once). */
function minimalWith(...edits: [string, string][]): string {
  let text = read(MINIMAL).text;
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, `"${from}" in minimal.yaml`).toBe(1);
    text = text.replace(from, to);
  }
  return text;
}

describe('validator', () => {
  it('loads minimal.yaml with no issues', () => {
    const r = loadScenario([read(MINIMAL)]);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([]);
    if (!r.ok) return;
    const s = r.scenario;
    expect(s.parties.map((p) => p.id)).toEqual(['north', 'south']);
    expect(s.parties[0]!.postures).toEqual(['calm', 'angry']);
    // Weights by posture: default 1, angry 0.2.
    expect(s.parties[0]!.interests[0]!.weights).toEqual([1, 0.2]);
    expect(s.events.map((e) => [e.id, e.at === null ? 'random' : 'scheduled', e.repeat])).toEqual([
      ['shock', 'scheduled', false],
      ['storm', 'random', true],
    ]);
    expect(s.outcomes.map((o) => o.type)).toEqual(['boolean', 'boolean', 'category', 'number']);
    expect(s.everOutcomes).toEqual(['ever_angry']);
    expect(s.parameters.map((p) => p.id)).toEqual(['pressure']);
    expect(s.relations.initial).toEqual([-50]);
  });

  // One test per broken fixture: the whole list of issues, in file order.

  it('alias-bomb', () => {
    expect(codesOf('alias-bomb')).toMatchInlineSnapshot(`"3:12 yaml-alias-bomb"`);
  });

  it('bad-indentation', () => {
    expect(codesOf('bad-indentation')).toMatchInlineSnapshot(`"41:11 yaml-syntax"`);
    // The prose matters here: the message names the fix.
    expect(issuesOf('bad-indentation')).toMatchInlineSnapshot(`"test/fixtures/broken/bad-indentation.yaml:41:11 ✖ YAML: this text runs on into line 42 and is read as a key there: check the indentation of line 42"`);
  });

  it('chance-out-of-range', () => {
    expect(codesOf('chance-out-of-range')).toMatchInlineSnapshot(`
      "77:17 chance-out-of-range → parties.north.moves[1].chance
      112:13 chance-out-of-range → events[1].chance"
    `);
    expect(issuesOf('chance-out-of-range')).toMatchInlineSnapshot(`
      "test/fixtures/broken/chance-out-of-range.yaml:77:17 ✖ a chance is a probability between 0 and 1, got 1.5 → at parties.north.moves[1].chance
      test/fixtures/broken/chance-out-of-range.yaml:112:13 ✖ a chance is a probability between 0 and 1, got -0.2 → at events[1].chance"
    `);
  });

  it('comment-only', () => {
    expect(codesOf('comment-only')).toMatchInlineSnapshot(`"1:1 empty-file"`);
  });

  it('condition-chained-comparison', () => {
    expect(codesOf('condition-chained-comparison')).toMatchInlineSnapshot(`"118:79 expression-syntax → outcomes[0].when"`);
    // The prose matters here: the message names the fix.
    expect(issuesOf('condition-chained-comparison')).toMatchInlineSnapshot(`"test/fixtures/broken/condition-chained-comparison.yaml:118:79 ✖ comparisons cannot be chained: write "a < b and b < c" in "0 < tension < 40" → at outcomes[0].when"`);
  });

  it('condition-single-equals', () => {
    expect(codesOf('condition-single-equals')).toMatchInlineSnapshot(`"119:89 expression-syntax → outcomes[1].when"`);
  });

  it('condition-trailing-operator', () => {
    expect(codesOf('condition-trailing-operator')).toMatchInlineSnapshot(`
      "118:80 expression-syntax → outcomes[0].when
      126:78 expression-syntax → outcomes[3].value"
    `);
  });

  it('condition-unbalanced-parens', () => {
    expect(codesOf('condition-unbalanced-parens')).toMatchInlineSnapshot(`
      "63:33 expression-syntax → parties.north.machine.states.calm.on.TURN[0].guard.when
      114:20 expression-syntax → events[1].when
      124:32 expression-syntax → outcomes[2].cases[0].when"
    `);
    // The prose matters here: the message names the fix.
    expect(issuesOf('condition-unbalanced-parens')).toMatchInlineSnapshot(`
      "test/fixtures/broken/condition-unbalanced-parens.yaml:63:33 ✖ this "(" is never closed: expected ")" in "(tension > 50 or made(south, embargo)" → at parties.north.machine.states.calm.on.TURN[0].guard.when
      test/fixtures/broken/condition-unbalanced-parens.yaml:114:20 ✖ the "(" of happened(…) is never closed: expected ")" in "happened(shock" → at events[1].when
      test/fixtures/broken/condition-unbalanced-parens.yaml:124:32 ✖ unexpected ")": there is no "(" for it to close in "trade > 30)" → at outcomes[2].cases[0].when"
    `);
  });

  it('condition-where-number-expected', () => {
    expect(codesOf('condition-where-number-expected')).toMatchInlineSnapshot(`
      "94:44 type-mismatch → parties.south.moves[0].effects.trade.add
      126:78 type-mismatch → outcomes[3].value"
    `);
  });

  it('constructor-names', () => {
    expect(codesOf('constructor-names')).toMatchInlineSnapshot(`
      "73:32 unknown-guard → parties.north.machine.states.angry.on.TURN[0].guard.type
      119:21 unknown-event → events[1].when"
    `);
  });

  it('cyclic-alias', () => {
    expect(codesOf('cyclic-alias')).toMatchInlineSnapshot(`"11:10 yaml-alias-cycle"`);
  });

  it('deeply-nested', () => {
    expect(codesOf('deeply-nested')).toMatchInlineSnapshot(`"4:50 too-deep"`);
  });

  it('deeply-nested-expression', () => {
    expect(codesOf('deeply-nested-expression')).toMatchInlineSnapshot(`"128:75 too-deep → end.when"`);
  });

  it('duplicate-event-id', () => {
    expect(codesOf('duplicate-event-id')).toMatchInlineSnapshot(`"110:9 duplicate-id → events[1].id"`);
  });

  it('duplicate-interest-id', () => {
    expect(codesOf('duplicate-interest-id')).toMatchInlineSnapshot(`"51:13 duplicate-id → parties.north.interests[1].id"`);
  });

  it('duplicate-move-id', () => {
    expect(codesOf('duplicate-move-id')).toMatchInlineSnapshot(`"101:13 duplicate-id → parties.south.moves[2].id"`);
  });

  it('duplicate-outcome-id', () => {
    expect(codesOf('duplicate-outcome-id')).toMatchInlineSnapshot(`"126:11 duplicate-id → outcomes[3].id"`);
  });

  it('duplicate-yaml-keys', () => {
    expect(codesOf('duplicate-yaml-keys')).toMatchInlineSnapshot(`
      "4:1 duplicate-key
      23:5 duplicate-key
      24:5 duplicate-key"
    `);
  });

  it('empty-file', () => {
    expect(codesOf('empty-file')).toMatchInlineSnapshot(`"1:1 empty-file"`);
  });

  it('event-between-turns', () => {
    expect(codesOf('event-between-turns')).toMatchInlineSnapshot(`"108:9 date-between-turns → events[0].at"`);
  });

  it('event-outside-calendar', () => {
    expect(codesOf('event-outside-calendar')).toMatchInlineSnapshot(`"107:9 date-outside-calendar → events[0].at"`);
  });

  it('event-scheduled-and-random', () => {
    expect(codesOf('event-scheduled-and-random')).toMatchInlineSnapshot(`"108:13 conflicting-keys → events[0].chance"`);
  });

  it('failure-without-chance', () => {
    expect(codesOf('failure-without-chance')).toMatchInlineSnapshot(`
      "72:33 self-relation → parties.north.moves[0].effects["rel(north,north)"]
      78:18 failure-without-chance → parties.north.moves[1].failure"
    `);
  });

  it('history-problems', () => {
    expect(codesOf('history-problems')).toMatchInlineSnapshot(`
      "85:11 unknown-move → parties.south.idle
      131:29 duplicate-history-move → history[1].party
      132:13 date-outside-calendar → history[2].date
      133:29 unknown-party → history[3].party
      134:42 unknown-move → history[4].move"
    `);
  });

  it('huge-number-in-expression', () => {
    expect(codesOf('huge-number-in-expression')).toMatchInlineSnapshot(`
      "94:46 number-out-of-range → parties.south.moves[0].effects.trade.add
      118:77 number-out-of-range → outcomes[0].when"
    `);
  });

  it('huge-numbers', () => {
    expect(codesOf('huge-numbers')).toMatchInlineSnapshot(`
      "34:14 wrong-type → relations.initial[0].value
      77:17 too-big → parties.north.moves[1].chance"
    `);
  });

  it('inf-numbers', () => {
    expect(codesOf('inf-numbers')).toMatchInlineSnapshot(`
      "22:10 wrong-type → indicators.tension.max
      34:14 wrong-type → relations.initial[0].value"
    `);
  });

  it('invalid-ids', () => {
    expect(codesOf('invalid-ids')).toMatchInlineSnapshot(`
      "40:3 invalid-id → parties.North
      101:13 invalid-id → parties.south.moves[2].id"
    `);
  });

  it('malformed-months', () => {
    expect(codesOf('malformed-months')).toMatchInlineSnapshot(`
      "9:10 invalid-month → calendar.start
      107:9 invalid-month → events[0].at"
    `);
  });

  it('missing-required-keys', () => {
    expect(codesOf('missing-required-keys')).toMatchInlineSnapshot(`
      "2:1 missing-key → calendar
      22:3 missing-key → indicators.trade.initial
      77:3 missing-key → parties.south.seat
      96:9 missing-key → parties.south.moves[2].cite"
    `);
    // The prose matters here: the message names the fix.
    expect(issuesOf('missing-required-keys')).toMatchInlineSnapshot(`
      "test/fixtures/broken/missing-required-keys.yaml:2:1 ✖ missing key "calendar" (a mapping) → at calendar
      test/fixtures/broken/missing-required-keys.yaml:22:3 ✖ missing key "initial" (a number) → at indicators.trade.initial
      test/fixtures/broken/missing-required-keys.yaml:77:3 ✖ missing key "seat" (a string) → at parties.south.seat
      test/fixtures/broken/missing-required-keys.yaml:96:9 ✖ missing key "cite" (a list) → at parties.south.moves[2].cite"
    `);
  });

  it('month-compared-with-number', () => {
    expect(codesOf('month-compared-with-number')).toMatchInlineSnapshot(`
      "114:17 type-mismatch → events[1].when
      119:89 type-mismatch → outcomes[1].when"
    `);
  });

  it('nan-number', () => {
    expect(codesOf('nan-number')).toMatchInlineSnapshot(`"23:14 wrong-type → indicators.tension.initial"`);
  });

  it('number-where-condition-expected', () => {
    expect(codesOf('number-where-condition-expected')).toMatchInlineSnapshot(`
      "54:31 type-mismatch → parties.north.interests[1].wants.hold
      118:67 type-mismatch → outcomes[0].when"
    `);
  });

  it('out-of-range-sizes', () => {
    expect(codesOf('out-of-range-sizes')).toMatchInlineSnapshot(`
      "10:10 too-small → calendar.turns
      11:9 too-big → calendar.step
      101:48 too-small → parties.south.moves[1].cite[0].quote
      124:13 too-small → outcomes[2].values"
    `);
  });

  it('proto-keys', () => {
    expect(codesOf('proto-keys')).toMatchInlineSnapshot(`
      "2:1 forbidden-key
      20:3 forbidden-key
      86:5 forbidden-key"
    `);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('relation-named-twice', () => {
    expect(codesOf('relation-named-twice')).toMatchInlineSnapshot(`"72:62 duplicate-relation → parties.north.moves[0].effects["rel(south, north)"]"`);
    expect(issuesOf('relation-named-twice')).toMatchInlineSnapshot(`"test/fixtures/broken/relation-named-twice.yaml:72:62 ✖ "rel(south, north)" and "rel(north,south)" name the same relation (relations are symmetric): change it once in this block → at parties.north.moves[0].effects["rel(south, north)"]"`);
  });

  it('reserved-and-clashing-names', () => {
    expect(codesOf('reserved-and-clashing-names')).toMatchInlineSnapshot(`
      "12:3 name-clash → parameters.tension
      31:3 reserved-name → indicators.turn"
    `);
  });

  it('reversed-bounds', () => {
    expect(codesOf('reversed-bounds')).toMatchInlineSnapshot(`
      "16:10 reversed-range → parameters.pressure.min
      23:14 value-out-of-range → indicators.tension.initial"
    `);
  });

  it('reversed-ranges', () => {
    expect(codesOf('reversed-ranges')).toMatchInlineSnapshot(`
      "72:53 reversed-range → parties.north.moves[0].effects["rel(north,south)"]
      115:23 reversed-range → events[1].effects.trade"
    `);
  });

  it('top-level-list', () => {
    expect(codesOf('top-level-list')).toMatchInlineSnapshot(`"2:1 not-a-mapping"`);
  });

  it('top-level-string', () => {
    expect(codesOf('top-level-string')).toMatchInlineSnapshot(`"2:1 not-a-mapping"`);
  });

  it('unclosed-quote', () => {
    expect(codesOf('unclosed-quote')).toMatchInlineSnapshot(`"75:16 yaml-syntax"`);
    // The prose matters here: the message names the fix.
    expect(issuesOf('unclosed-quote')).toMatchInlineSnapshot(`"test/fixtures/broken/unclosed-quote.yaml:75:16 ✖ YAML: the string that opens with " here is never closed: add the closing ""`);
  });

  it('unguarded-transition-shadows', () => {
    expect(codesOf('unguarded-transition-shadows')).toMatchInlineSnapshot(`"62:17 shadowed-transition → parties.north.machine.states.calm.on.TURN[0]"`);
    // The prose matters here: the message names the fix.
    expect(issuesOf('unguarded-transition-shadows')).toMatchInlineSnapshot(`"test/fixtures/broken/unguarded-transition-shadows.yaml:62:17 ✖ this transition has no guard, so it always fires and the transition after it never can → at parties.north.machine.states.calm.on.TURN[0]"`);
  });

  it('unknown-event-in-happened', () => {
    expect(codesOf('unknown-event-in-happened')).toMatchInlineSnapshot(`"114:21 unknown-event → events[1].when"`);
  });

  it('unknown-function', () => {
    expect(codesOf('unknown-function')).toMatchInlineSnapshot(`
      "49:26 unknown-function → parties.north.interests[0].wants.lower
      119:74 wrong-arity → outcomes[1].when
      126:70 wrong-arity → outcomes[3].value"
    `);
  });

  it('unknown-guard-placeholder', () => {
    expect(codesOf('unknown-guard-placeholder')).toMatchInlineSnapshot(`
      "38:22 unknown-placeholder → guards.below.when
      63:43 unknown-placeholder → parties.north.machine.states.calm.on.TURN[0].guard.when"
    `);
  });

  it('unknown-indicator-in-condition', () => {
    expect(codesOf('unknown-indicator-in-condition')).toMatchInlineSnapshot(`
      "118:67 unknown-name → outcomes[0].when
      128:10 unknown-name → end.when"
    `);
  });

  it('unknown-indicator-in-effect', () => {
    expect(codesOf('unknown-indicator-in-effect')).toMatchInlineSnapshot(`
      "79:20 unknown-indicator → parties.north.moves[1].failure.temper
      108:16 unknown-indicator → events[0].effects.tensoin"
    `);
  });

  it('unknown-initial-state', () => {
    expect(codesOf('unknown-initial-state')).toMatchInlineSnapshot(`"57:16 unknown-state → parties.north.machine.initial"`);
  });

  it('unknown-keys', () => {
    expect(codesOf('unknown-keys')).toMatchInlineSnapshot(`
      "21:5 unknown-key → indicators.tension.colour
      44:5 unknown-key → parties.north.tempreature
      73:9 unknown-key → parties.north.moves[0].descripton
      115:5 unknown-key → events[1].repaet"
    `);
    // The prose matters here: the message names the fix.
    expect(issuesOf('unknown-keys')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-keys.yaml:21:5 ✖ unknown key "colour" → at indicators.tension.colour
      test/fixtures/broken/unknown-keys.yaml:44:5 ✖ unknown key "tempreature" (did you mean "temperature"?) → at parties.north.tempreature
      test/fixtures/broken/unknown-keys.yaml:73:9 ✖ unknown key "descripton" (did you mean "description"?) → at parties.north.moves[0].descripton
      test/fixtures/broken/unknown-keys.yaml:115:5 ✖ unknown key "repaet" (did you mean "repeat"?) → at events[1].repaet"
    `);
  });

  it('unknown-move-in-last', () => {
    expect(codesOf('unknown-move-in-last')).toMatchInlineSnapshot(`"98:31 unknown-move → parties.south.moves[1].when"`);
  });

  it('unknown-move-in-made', () => {
    expect(codesOf('unknown-move-in-made')).toMatchInlineSnapshot(`
      "54:37 unknown-move → parties.north.interests[1].wants.hold
      63:61 unknown-move → parties.north.machine.states.calm.on.TURN[0].guard.when"
    `);
  });

  it('unknown-named-guard', () => {
    expect(codesOf('unknown-named-guard')).toMatchInlineSnapshot(`"68:32 unknown-guard → parties.north.machine.states.angry.on.TURN[0].guard.type"`);
  });

  it('unknown-outcome-category-value', () => {
    expect(codesOf('unknown-outcome-category-value')).toMatchInlineSnapshot(`
      "124:42 unknown-value → outcomes[2].cases[0].value
      125:14 unknown-value → outcomes[2].default"
    `);
  });

  it('unknown-outcome-type', () => {
    expect(codesOf('unknown-outcome-type')).toMatchInlineSnapshot(`
      "119:106 invalid-value → outcomes[1].over
      126:54 invalid-value → outcomes[3].type"
    `);
  });

  it('unknown-party-in-rel', () => {
    expect(codesOf('unknown-party-in-rel')).toMatchInlineSnapshot(`
      "63:60 unknown-party → parties.north.machine.states.calm.on.TURN[0].guard.when
      72:33 unknown-party → parties.north.moves[0].effects["rel(north,sooth)"]"
    `);
    // The prose matters here: the message names the fix.
    expect(issuesOf('unknown-party-in-rel')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-party-in-rel.yaml:63:60 ✖ unknown party "west" in "tension > 50 or rel(north, west) < -60" → at parties.north.machine.states.calm.on.TURN[0].guard.when
      test/fixtures/broken/unknown-party-in-rel.yaml:72:33 ✖ unknown party "sooth" (did you mean "south"?) → at parties.north.moves[0].effects["rel(north,sooth)"]"
    `);
  });

  it('unknown-party-in-relations', () => {
    expect(codesOf('unknown-party-in-relations')).toMatchInlineSnapshot(`"33:24 unknown-party → relations.initial[0].between[1]"`);
  });

  it('unknown-posture-in-move', () => {
    expect(codesOf('unknown-posture-in-move')).toMatchInlineSnapshot(`"76:27 unknown-posture → parties.north.moves[1].postures[1]"`);
  });

  it('unknown-posture-weight-key', () => {
    expect(codesOf('unknown-posture-weight-key')).toMatchInlineSnapshot(`
      "48:31 unknown-posture → parties.north.interests[0].weight.angery
      53:17 missing-weight → parties.north.interests[1].weight"
    `);
  });

  it('unknown-source-in-cite', () => {
    expect(codesOf('unknown-source-in-cite')).toMatchInlineSnapshot(`
      "73:26 unknown-source → parties.north.moves[0].cite[0].source
      109:22 unknown-source → events[0].cite[0].source"
    `);
  });

  it('unknown-state-as-target', () => {
    expect(codesOf('unknown-state-as-target')).toMatchInlineSnapshot(`
      "62:25 unknown-state → parties.north.machine.states.calm.on.TURN[0].target
      64:9 unreachable-state → parties.north.machine.states.angry"
    `);
  });

  it('unreachable-state', () => {
    expect(codesOf('unreachable-state')).toMatchInlineSnapshot(`"64:9 unreachable-state → parties.north.machine.states.frozen"`);
  });

  it('wants-two-kinds', () => {
    expect(codesOf('wants-two-kinds')).toMatchInlineSnapshot(`
      "49:16 conflicting-keys → parties.north.interests[0].wants
      88:16 missing-key → parties.south.interests[0].wants"
    `);
  });

  it('wrong-guard-params', () => {
    expect(codesOf('wrong-guard-params')).toMatchInlineSnapshot(`
      "68:47 missing-param → parties.north.machine.states.angry.on.TURN[0].guard.params
      68:49 unknown-param → parties.north.machine.states.angry.on.TURN[0].guard.params.lvl"
    `);
  });

  it('wrong-type-in-union', () => {
    expect(codesOf('wrong-type-in-union')).toMatchInlineSnapshot(`
      "63:24 wrong-type → parties.north.machine.states.calm.on.TURN[0].guard
      68:56 wrong-type → parties.north.machine.states.angry.on.TURN[0].guard.params.level
      99:34 wrong-type → parties.south.moves[1].effects.trade.set
      115:28 wrong-type → events[1].effects.trade[1]"
    `);
    // The prose matters here: the message names the fix.
    expect(issuesOf('wrong-type-in-union')).toMatchInlineSnapshot(`
      "test/fixtures/broken/wrong-type-in-union.yaml:63:24 ✖ expected { when: "<condition>" } or { type: <guard name>, params: { … } }, got a mapping with when, type → at parties.north.machine.states.calm.on.TURN[0].guard
      test/fixtures/broken/wrong-type-in-union.yaml:68:56 ✖ expected a number, got the string "thirty" → at parties.north.machine.states.angry.on.TURN[0].guard.params.level
      test/fixtures/broken/wrong-type-in-union.yaml:99:34 ✖ expected a number or an expression (a string), got a list → at parties.south.moves[1].effects.trade.set
      test/fixtures/broken/wrong-type-in-union.yaml:115:28 ✖ expected a number, got the string "five" → at events[1].effects.trade[1]"
    `);
  });

  it('wrong-types', () => {
    expect(codesOf('wrong-types')).toMatchInlineSnapshot(`
      "10:10 wrong-type → calendar.turns
      30:10 wrong-type → indicators.trade.key
      75:16 wrong-type → parties.north.moves[1].label
      87:17 wrong-type → parties.south.interests[0].weight"
    `);
    // The prose matters here: the message names the fix.
    expect(issuesOf('wrong-types')).toMatchInlineSnapshot(`
      "test/fixtures/broken/wrong-types.yaml:10:10 ✖ expected a whole number of turns, got the string "six" → at calendar.turns
      test/fixtures/broken/wrong-types.yaml:30:10 ✖ expected true or false, got the string "yes" → at indicators.trade.key
      test/fixtures/broken/wrong-types.yaml:75:16 ✖ expected a string, got the number 12 (put it in quotes to make it text) → at parties.north.moves[1].label
      test/fixtures/broken/wrong-types.yaml:87:17 ✖ expected a weight or a map of posture → weight, got the string "high" → at parties.south.interests[0].weight"
    `);
  });

  // Properties of the corpus as a whole.

  it('has a pinned test above for every broken fixture', () => {
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const pinned = new Set([...source.matchAll(/codesOf\('([a-z0-9-]+)'\)/g)].map((m) => `${m[1]}.yaml`));
    expect(brokenFiles().filter((f) => !pinned.has(f))).toEqual([]);
    expect(brokenFiles().length).toBeGreaterThanOrEqual(30);
  });

  it('gives every issue of the corpus a documented code', () => {
    const seen = new Set<string>();
    for (const file of brokenFiles()) {
      const r = loadScenario([read(`${BROKEN}/${file}`)]);
      if (r.ok) continue;
      for (const issue of r.issues) {
        expect(Object.keys(ISSUE_CODES), `${file}: ${issue.message}`).toContain(issue.code);
        seen.add(issue.code);
      }
    }
    // The corpus exercises most kinds of issue, not only a few.
    expect(seen.size).toBeGreaterThanOrEqual(40);
  });

  it('lists every code in docs/scenario-format.md, and only those', () => {
    const doc = readFileSync(join(root, 'docs/scenario-format.md'), 'utf8');
    const start = doc.indexOf('\n### Issue codes\n');
    expect(start).toBeGreaterThan(0);
    const rest = doc.slice(start + 17);
    const section = rest.slice(0, rest.search(/\n#{1,6} /));
    const listed = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(ISSUE_CODES).sort());
  });

  it('never throws on a broken file, and places every issue inside it', () => {
    for (const file of brokenFiles()) {
      const source = read(`${BROKEN}/${file}`);
      let r: ReturnType<typeof loadScenario> | undefined;
      expect(() => (r = loadScenario([source])), file).not.toThrow();
      expect(r?.ok, file).toBe(false);
      if (!r || r.ok) continue;
      expect(r.issues.length, file).toBeGreaterThan(0);
      const lines = source.text.split('\n');
      for (const issue of r.issues) {
        expect(issue.file, `${file}: ${issue.message}`).toBe(source.name);
        expect(issue.line, `${file}: ${issue.message}`).toBeGreaterThanOrEqual(1);
        expect(issue.line, `${file}: ${issue.message}`).toBeLessThanOrEqual(Math.max(1, lines.length));
        const line = lines[issue.line! - 1] ?? '';
        expect(issue.column, `${file}: ${issue.message}`).toBeGreaterThanOrEqual(1);
        expect(issue.column, `${file}: ${issue.message}`).toBeLessThanOrEqual(line.length + 1);
      }
    }
  });

  it('refuses a 3 MB file quickly, with a size message', () => {
    const filler = `# ${'x'.repeat(78)}\n`.repeat(Math.ceil((3 * 1024 * 1024) / 80));
    const text = `${read(MINIMAL).text}${filler}`;
    expect(text.length).toBeGreaterThan(MAX_SCENARIO_BYTES);
    const started = performance.now();
    const r = loadScenario([{ name: 'huge.yaml', text }]);
    const elapsed = performance.now() - started;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map(formatIssue)).toEqual(['huge.yaml:1:1 ✖ the file is 3.0 MB; scenario files are limited to 2 MB']);
    // Refused before parsing: reading 3 MB of YAML would take far longer than this.
    expect(elapsed).toBeLessThan(100);
  });

  it('checks calibration targets: a real path, a range it may take, low before high', () => {
    const text = minimalWith([
      'end:\n',
      'calibration:\n  - { path: party.north.noise, range: [0, 0.5] }\n  - { path: party.nort.noise, range: [0, 1] }\n  - { path: party.south.temperature, range: [1, 0.5] }\n  - { path: party.south.noise, range: [-1, 1] }\n  - { path: north, range: [0, 1] }\nend:\n',
    ]);
    const r = loadScenario([{ name: 'calibration.yaml', text }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => `${i.code} → ${formatPath(i.path)}: ${i.message}`)).toEqual([
      'invalid-id → calibration[4].path: expected a path such as party.russia.noise (see wargame inspect <scenario> --paths), got the string "north"',
    ]);
    const fixed = loadScenario([{ name: 'calibration.yaml', text: text.replace('  - { path: north, range: [0, 1] }\n', '') }]);
    expect(fixed.ok ? [] : fixed.issues.map((i) => `${i.code} → ${formatPath(i.path)}: ${i.message}`)).toEqual([
      'unknown-path → calibration[1].path: unknown path "party.nort.noise" (did you mean "party.north.noise"?); `wargame inspect <scenario> --paths` lists them',
      'reversed-range → calibration[2].range: range [1, 0.5] is empty or reversed: write [low, high]',
      'value-out-of-range → calibration[3].range: party.south.noise: must be at least 0, got -1',
    ]);
  });

  it('treats ids that are also Object.prototype properties as ordinary names', () => {
    // "constructor" is a valid id; lookups by id must not find Object.prototype.constructor.
    const text = minimalWith(
      ['machine: { initial: open, states: { open: {} } }', 'machine: { initial: open, states: { open: { on: { TURN: [{ target: constructor, guard: { when: "trade > 90" } }] } }, constructor: {} } }'],
      ['        weight: 1\n', '        weight: { default: 1 }\n'],
    );
    const r = loadScenario([{ name: 'constructor.yaml', text }]);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([]);
    if (r.ok) expect(r.scenario.parties[1]!.interests[0]!.weights).toEqual([1, 1]);
  });
});

describe('validator: scenarios in several files', () => {
  /** minimal.yaml split in two: the south party moves to a file of its own. */
  function split(): { main: string; south: string } {
    const text = read(MINIMAL).text;
    const start = text.indexOf('  south:\n');
    const end = text.indexOf('events:\n');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    return { main: text.slice(0, start) + text.slice(end), south: `parties:\n${text.slice(start, end)}` };
  }

  it('merges parties given in separate files', () => {
    const { main, south } = split();
    const r = loadScenario([
      { name: 'folder/scenario.yaml', text: main },
      { name: 'folder/south.yaml', text: south },
    ]);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([]);
    if (!r.ok) return;
    expect(r.scenario.parties.map((p) => p.id)).toEqual(['north', 'south']);
    // The same scenario as the single file: layout does not change the content hash.
    const single = loadScenario([read(MINIMAL)]);
    expect(single.ok && single.scenario.hash).toBe(r.scenario.hash);
  });

  it('reports a problem in the file and line where it is', () => {
    const { main, south } = split();
    const r = loadScenario([
      { name: 'folder/scenario.yaml', text: main },
      { name: 'folder/south.yaml', text: south.replace('wants: { raise: trade }', 'wants: { raise: trad }') },
    ]);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toMatchInlineSnapshot(`
      [
        "folder/south.yaml:9:25 ✖ unknown name "trad": expected an indicator, a parameter, "turn" or "date" (did you mean "trade"?) in "trad" → at parties.south.interests[0].wants.raise",
      ]
    `);
  });

  it('reports a party defined in two files, naming both', () => {
    const { south } = split();
    const r = loadScenario([
      { name: 'folder/scenario.yaml', text: read(MINIMAL).text },
      { name: 'folder/south.yaml', text: south },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const messages = r.issues.map(formatIssue);
    expect(messages).toMatchInlineSnapshot(`
      [
        "folder/south.yaml:2:3 ✖ duplicate party "south": already defined at folder/scenario.yaml:83:3 → at parties.south",
      ]
    `);
    expect(messages.join('\n')).toContain('folder/scenario.yaml');
    expect(messages.join('\n')).toContain('folder/south.yaml');
  });

  it('reports a key that two files both set', () => {
    const { main, south } = split();
    const r = loadScenario([
      { name: 'folder/scenario.yaml', text: main },
      { name: 'folder/south.yaml', text: `title: Another title\n${south}` },
    ]);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toMatchInlineSnapshot(`
      [
        "folder/south.yaml:1:1 ✖ "title" is already set at folder/scenario.yaml:5:1; of the top-level keys only parameters, indicators, guards, parties, sources, events, outcomes and history can be spread over several files → at title",
      ]
    `);
  });
});

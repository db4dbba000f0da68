/**
 * The validator as an author meets it: every broken fixture's full list of
 * issues, as `wargame validate` prints them, pinned so that a change to a
 * message or a position is a reviewed change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatIssue, loadScenario, MAX_SCENARIO_BYTES, type SourceFile } from '@wargame/engine';

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
    expect(issuesOf('alias-bomb')).toMatchInlineSnapshot(`"test/fixtures/broken/alias-bomb.yaml:3:12 ✖ YAML: the aliases (*name) expand to too much data, as in a "billion laughs" document: write the values out, or use fewer aliases"`);
  });

  it('bad-indentation', () => {
    expect(issuesOf('bad-indentation')).toMatchInlineSnapshot(`"test/fixtures/broken/bad-indentation.yaml:41:11 ✖ YAML: this text runs on into line 42 and is read as a key there: check the indentation of line 42"`);
  });

  it('comment-only', () => {
    expect(issuesOf('comment-only')).toMatchInlineSnapshot(`"test/fixtures/broken/comment-only.yaml:1:1 ✖ the file is empty: expected a scenario (a mapping with id, title, calendar, indicators, parties…)"`);
  });

  it('condition-chained-comparison', () => {
    expect(issuesOf('condition-chained-comparison')).toMatchInlineSnapshot(`"test/fixtures/broken/condition-chained-comparison.yaml:118:79 ✖ comparisons cannot be chained: write "a < b and b < c" in "0 < tension < 40" → at outcomes[0].when"`);
  });

  it('condition-single-equals', () => {
    expect(issuesOf('condition-single-equals')).toMatchInlineSnapshot(`"test/fixtures/broken/condition-single-equals.yaml:119:89 ✖ unexpected "=": compare with "==" in "posture(north) = angry" → at outcomes[1].when"`);
  });

  it('condition-trailing-operator', () => {
    expect(issuesOf('condition-trailing-operator')).toMatchInlineSnapshot(`
      "test/fixtures/broken/condition-trailing-operator.yaml:118:80 ✖ the expression ends after "and": expected a value in "tension < 40 and" → at outcomes[0].when
      test/fixtures/broken/condition-trailing-operator.yaml:126:78 ✖ the expression ends after "*": expected a value in "tension *" → at outcomes[3].value"
    `);
  });

  it('condition-unbalanced-parens', () => {
    expect(issuesOf('condition-unbalanced-parens')).toMatchInlineSnapshot(`
      "test/fixtures/broken/condition-unbalanced-parens.yaml:63:33 ✖ this "(" is never closed: expected ")" in "(tension > 50 or made(south, embargo)" → at parties.north.machine.states.calm.on.TURN[0].guard.when
      test/fixtures/broken/condition-unbalanced-parens.yaml:114:20 ✖ the "(" of happened(…) is never closed: expected ")" in "happened(shock" → at events[1].when
      test/fixtures/broken/condition-unbalanced-parens.yaml:124:32 ✖ unexpected ")": there is no "(" for it to close in "trade > 30)" → at outcomes[2].cases[0].when"
    `);
  });

  it('condition-where-number-expected', () => {
    expect(issuesOf('condition-where-number-expected')).toMatchInlineSnapshot(`
      "test/fixtures/broken/condition-where-number-expected.yaml:94:44 ✖ expected a number here, got a condition in "pressure > 10" → at parties.south.moves[0].effects.trade.add
      test/fixtures/broken/condition-where-number-expected.yaml:126:78 ✖ expected a number here, got a condition in "tension > 50" → at outcomes[3].value"
    `);
  });

  it('constructor-names', () => {
    expect(issuesOf('constructor-names')).toMatchInlineSnapshot(`
      "test/fixtures/broken/constructor-names.yaml:73:32 ✖ unknown guard "constructor"; define it under guards → at parties.north.machine.states.angry.on.TURN[0].guard.type
      test/fixtures/broken/constructor-names.yaml:119:21 ✖ unknown event "constructor" in "happened(constructor)" → at events[1].when"
    `);
  });

  it('cyclic-alias', () => {
    expect(issuesOf('cyclic-alias')).toMatchInlineSnapshot(`"test/fixtures/broken/cyclic-alias.yaml:11:10 ✖ YAML: the alias *cal is inside the node its anchor marks, so its value would never end"`);
  });

  it('deeply-nested', () => {
    expect(issuesOf('deeply-nested')).toMatchInlineSnapshot(`"test/fixtures/broken/deeply-nested.yaml:4:50 ✖ the document is nested more than 40 levels deep"`);
  });

  it('deeply-nested-expression', () => {
    expect(issuesOf('deeply-nested-expression')).toMatchInlineSnapshot(`"test/fixtures/broken/deeply-nested-expression.yaml:128:75 ✖ expression nested more than 64 levels deep in "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((tension >= 100))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))" → at end.when"`);
  });

  it('duplicate-event-id', () => {
    expect(issuesOf('duplicate-event-id')).toMatchInlineSnapshot(`"test/fixtures/broken/duplicate-event-id.yaml:110:9 ✖ duplicate event id "shock": events[0] has it too → at events[1].id"`);
  });

  it('duplicate-interest-id', () => {
    expect(issuesOf('duplicate-interest-id')).toMatchInlineSnapshot(`"test/fixtures/broken/duplicate-interest-id.yaml:51:13 ✖ duplicate interest id "calm" in north: interests[0] has it too → at parties.north.interests[1].id"`);
  });

  it('duplicate-move-id', () => {
    expect(issuesOf('duplicate-move-id')).toMatchInlineSnapshot(`"test/fixtures/broken/duplicate-move-id.yaml:101:13 ✖ duplicate move id "trade" in south: moves[0] has it too → at parties.south.moves[2].id"`);
  });

  it('duplicate-outcome-id', () => {
    expect(issuesOf('duplicate-outcome-id')).toMatchInlineSnapshot(`"test/fixtures/broken/duplicate-outcome-id.yaml:126:11 ✖ duplicate outcome id "mood": outcomes[2] has it too → at outcomes[3].id"`);
  });

  it('duplicate-yaml-keys', () => {
    expect(issuesOf('duplicate-yaml-keys')).toMatchInlineSnapshot(`
      "test/fixtures/broken/duplicate-yaml-keys.yaml:4:1 ✖ YAML: the key "title" is given twice in this mapping
      test/fixtures/broken/duplicate-yaml-keys.yaml:23:5 ✖ YAML: the key "label" is given twice in this mapping
      test/fixtures/broken/duplicate-yaml-keys.yaml:24:5 ✖ YAML: the key "min" is given twice in this mapping"
    `);
  });

  it('empty-file', () => {
    expect(issuesOf('empty-file')).toMatchInlineSnapshot(`"test/fixtures/broken/empty-file.yaml:1:1 ✖ the file is empty: expected a scenario (a mapping with id, title, calendar, indicators, parties…)"`);
  });

  it('event-between-turns', () => {
    expect(issuesOf('event-between-turns')).toMatchInlineSnapshot(`"test/fixtures/broken/event-between-turns.yaml:108:9 ✖ 2022-02 is not the date of any turn (turns are 2 months apart) → at events[0].at"`);
  });

  it('event-outside-calendar', () => {
    expect(issuesOf('event-outside-calendar')).toMatchInlineSnapshot(`"test/fixtures/broken/event-outside-calendar.yaml:107:9 ✖ 2023-02 is outside the scenario's calendar (turns run from 2021-11 to 2022-04) → at events[0].at"`);
  });

  it('event-scheduled-and-random', () => {
    expect(issuesOf('event-scheduled-and-random')).toMatchInlineSnapshot(`"test/fixtures/broken/event-scheduled-and-random.yaml:108:13 ✖ an event is either scheduled (at) or random (chance), not both → at events[0].chance"`);
  });

  it('failure-without-chance', () => {
    expect(issuesOf('failure-without-chance')).toMatchInlineSnapshot(`
      "test/fixtures/broken/failure-without-chance.yaml:72:33 ✖ a party has no relation with itself: "rel(north,north)" → at parties.north.moves[0].effects["rel(north,north)"]
      test/fixtures/broken/failure-without-chance.yaml:78:18 ✖ failure effects need a chance of success (chance: …) → at parties.north.moves[1].failure"
    `);
  });

  it('history-problems', () => {
    expect(issuesOf('history-problems')).toMatchInlineSnapshot(`
      "test/fixtures/broken/history-problems.yaml:85:11 ✖ unknown move "wait" of south → at parties.south.idle
      test/fixtures/broken/history-problems.yaml:131:29 ✖ south already has a historical move in 2021-12: a party makes one move a turn → at history[1].party
      test/fixtures/broken/history-problems.yaml:132:13 ✖ 2023-01 is outside the scenario's calendar (turns run from 2021-11 to 2022-04) → at history[2].date
      test/fixtures/broken/history-problems.yaml:133:29 ✖ unknown party "west" → at history[3].party
      test/fixtures/broken/history-problems.yaml:134:42 ✖ unknown move "sulk" of north (did you mean "talk"?) → at history[4].move"
    `);
  });

  it('huge-number-in-expression', () => {
    expect(issuesOf('huge-number-in-expression')).toMatchInlineSnapshot(`
      "test/fixtures/broken/huge-number-in-expression.yaml:94:46 ✖ number 10000000000 is out of range (at most 1e9) in "pressure / 10000000000" → at parties.south.moves[0].effects.trade.add
      test/fixtures/broken/huge-number-in-expression.yaml:118:77 ✖ number 1e400 is out of range (at most 1e9) in "tension < 1e400" → at outcomes[0].when"
    `);
  });

  it('huge-numbers', () => {
    expect(issuesOf('huge-numbers')).toMatchInlineSnapshot(`
      "test/fixtures/broken/huge-numbers.yaml:34:14 ✖ expected a finite number, got .inf (infinity: a number too large for a double, such as 1e400, reads as infinity) → at relations.initial[0].value
      test/fixtures/broken/huge-numbers.yaml:77:17 ✖ expected a number between -1e9 and 1e9, got the number 1000000000000 → at parties.north.moves[1].chance"
    `);
  });

  it('inf-numbers', () => {
    expect(issuesOf('inf-numbers')).toMatchInlineSnapshot(`
      "test/fixtures/broken/inf-numbers.yaml:22:10 ✖ expected a finite number, got .inf (infinity: a number too large for a double, such as 1e400, reads as infinity) → at indicators.tension.max
      test/fixtures/broken/inf-numbers.yaml:34:14 ✖ expected a finite number, got -.inf (infinity: a number too large for a double, such as 1e400, reads as infinity) → at relations.initial[0].value"
    `);
  });

  it('invalid-ids', () => {
    expect(issuesOf('invalid-ids')).toMatchInlineSnapshot(`
      "test/fixtures/broken/invalid-ids.yaml:40:3 ✖ invalid id "North": expected an id: lower-case letters, digits and "_", starting with a letter, at most 64 characters → at parties.North
      test/fixtures/broken/invalid-ids.yaml:101:13 ✖ expected an id: lower-case letters, digits and "_", starting with a letter, at most 64 characters, got the string "Hold on" → at parties.south.moves[2].id"
    `);
  });

  it('malformed-months', () => {
    expect(issuesOf('malformed-months')).toMatchInlineSnapshot(`
      "test/fixtures/broken/malformed-months.yaml:9:10 ✖ expected a month as "YYYY-MM", got the string "2021-13" → at calendar.start
      test/fixtures/broken/malformed-months.yaml:107:9 ✖ expected a month as "YYYY-MM", got the string "2022-2" → at events[0].at"
    `);
  });

  it('missing-required-keys', () => {
    expect(issuesOf('missing-required-keys')).toMatchInlineSnapshot(`
      "test/fixtures/broken/missing-required-keys.yaml:2:1 ✖ missing key "calendar" (a mapping) → at calendar
      test/fixtures/broken/missing-required-keys.yaml:22:3 ✖ missing key "initial" (a number) → at indicators.trade.initial
      test/fixtures/broken/missing-required-keys.yaml:77:3 ✖ missing key "seat" (a string) → at parties.south.seat
      test/fixtures/broken/missing-required-keys.yaml:96:9 ✖ missing key "cite" (a list) → at parties.south.moves[2].cite"
    `);
  });

  it('month-compared-with-number', () => {
    expect(issuesOf('month-compared-with-number')).toMatchInlineSnapshot(`
      "test/fixtures/broken/month-compared-with-number.yaml:114:17 ✖ a month can only be compared with a month (write dates as YYYY-MM), got a number in "date > 2022" → at events[1].when
      test/fixtures/broken/month-compared-with-number.yaml:119:89 ✖ a posture of north must be compared with one of its posture names in "posture(north) == 1" → at outcomes[1].when"
    `);
  });

  it('nan-number', () => {
    expect(issuesOf('nan-number')).toMatchInlineSnapshot(`"test/fixtures/broken/nan-number.yaml:23:14 ✖ expected a finite number, got .nan (not a number) → at indicators.tension.initial"`);
  });

  it('number-where-condition-expected', () => {
    expect(issuesOf('number-where-condition-expected')).toMatchInlineSnapshot(`
      "test/fixtures/broken/number-where-condition-expected.yaml:54:31 ✖ expected a condition here (a comparison, true/false, made(…), happened(…)), got a number in "trade + 1" → at parties.north.interests[1].wants.hold
      test/fixtures/broken/number-where-condition-expected.yaml:118:67 ✖ expected a condition here (a comparison, true/false, made(…), happened(…)), got a number in "tension" → at outcomes[0].when"
    `);
  });

  it('out-of-range-sizes', () => {
    expect(issuesOf('out-of-range-sizes')).toMatchInlineSnapshot(`
      "test/fixtures/broken/out-of-range-sizes.yaml:10:10 ✖ expected at least 1 turn, got the number 0 → at calendar.turns
      test/fixtures/broken/out-of-range-sizes.yaml:11:9 ✖ expected at most 120, got the number 200 → at calendar.step
      test/fixtures/broken/out-of-range-sizes.yaml:101:48 ✖ a quote must be at least 8 characters, so it identifies a passage, got the string "short" → at parties.south.moves[1].cite[0].quote
      test/fixtures/broken/out-of-range-sizes.yaml:124:13 ✖ expected at least 2 entries, got 1 → at outcomes[2].values"
    `);
  });

  it('proto-keys', () => {
    expect(issuesOf('proto-keys')).toMatchInlineSnapshot(`
      "test/fixtures/broken/proto-keys.yaml:2:1 ✖ the key "__proto__" is not allowed in a scenario
      test/fixtures/broken/proto-keys.yaml:20:3 ✖ the key "__proto__" is not allowed in a scenario
      test/fixtures/broken/proto-keys.yaml:86:5 ✖ the key "__proto__" is not allowed in a scenario"
    `);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('reserved-and-clashing-names', () => {
    expect(issuesOf('reserved-and-clashing-names')).toMatchInlineSnapshot(`
      "test/fixtures/broken/reserved-and-clashing-names.yaml:12:3 ✖ "tension" is both an indicator and a parameter; expressions could not tell them apart → at parameters.tension
      test/fixtures/broken/reserved-and-clashing-names.yaml:31:3 ✖ "turn" is a reserved word in expressions; rename the indicator → at indicators.turn"
    `);
  });

  it('reversed-bounds', () => {
    expect(issuesOf('reversed-bounds')).toMatchInlineSnapshot(`
      "test/fixtures/broken/reversed-bounds.yaml:16:10 ✖ min (100) is above max (0) → at parameters.pressure.min
      test/fixtures/broken/reversed-bounds.yaml:23:14 ✖ initial 155 is outside [0, 100] → at indicators.tension.initial"
    `);
  });

  it('reversed-ranges', () => {
    expect(issuesOf('reversed-ranges')).toMatchInlineSnapshot(`
      "test/fixtures/broken/reversed-ranges.yaml:72:53 ✖ range [10, 0] is reversed: write [low, high] → at parties.north.moves[0].effects["rel(north,south)"]
      test/fixtures/broken/reversed-ranges.yaml:115:23 ✖ range [5, -5] is reversed: write [low, high] → at events[1].effects.trade"
    `);
  });

  it('top-level-list', () => {
    expect(issuesOf('top-level-list')).toMatchInlineSnapshot(`"test/fixtures/broken/top-level-list.yaml:2:1 ✖ expected a mapping at the top of the file (id, title, calendar, …), got a list"`);
  });

  it('top-level-string', () => {
    expect(issuesOf('top-level-string')).toMatchInlineSnapshot(`"test/fixtures/broken/top-level-string.yaml:2:1 ✖ expected a mapping at the top of the file (id, title, calendar, …), got the text "this is not a scenario""`);
  });

  it('unclosed-quote', () => {
    expect(issuesOf('unclosed-quote')).toMatchInlineSnapshot(`"test/fixtures/broken/unclosed-quote.yaml:75:16 ✖ YAML: the string that opens with " here is never closed: add the closing ""`);
  });

  it('unguarded-transition-shadows', () => {
    expect(issuesOf('unguarded-transition-shadows')).toMatchInlineSnapshot(`"test/fixtures/broken/unguarded-transition-shadows.yaml:62:17 ✖ this transition has no guard, so it always fires and the transition after it never can → at parties.north.machine.states.calm.on.TURN[0]"`);
  });

  it('unknown-event-in-happened', () => {
    expect(issuesOf('unknown-event-in-happened')).toMatchInlineSnapshot(`"test/fixtures/broken/unknown-event-in-happened.yaml:114:21 ✖ unknown event "shok" (did you mean "shock"?) in "happened(shok)" → at events[1].when"`);
  });

  it('unknown-function', () => {
    expect(issuesOf('unknown-function')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-function.yaml:49:26 ✖ unknown function "maxx" (did you mean "max"?); known: rel, posture, last, made, times, happened, agreed, broken, min, max, abs, clamp in "maxx(tension, 10)" → at parties.north.interests[0].wants.lower
      test/fixtures/broken/unknown-function.yaml:119:74 ✖ posture(…) takes 1 argument, got 2 in "posture(north, south) == angry" → at outcomes[1].when
      test/fixtures/broken/unknown-function.yaml:126:70 ✖ abs(…) takes 1 argument, got 2 in "abs(tension, trade)" → at outcomes[3].value"
    `);
  });

  it('unknown-guard-placeholder', () => {
    expect(issuesOf('unknown-guard-placeholder')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-guard-placeholder.yaml:38:22 ✖ unknown placeholder "$levle" (did you mean "$level"?); this guard's params are level in "tension < $levle" → at guards.below.when
      test/fixtures/broken/unknown-guard-placeholder.yaml:63:43 ✖ "$level": $-placeholders are only allowed in named guards that declare them in params in "tension > $level" → at parties.north.machine.states.calm.on.TURN[0].guard.when"
    `);
  });

  it('unknown-indicator-in-condition', () => {
    expect(issuesOf('unknown-indicator-in-condition')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-indicator-in-condition.yaml:118:67 ✖ unknown name "tensions": expected an indicator, a parameter, "turn" or "date" (did you mean "tension"?) in "tensions < 40" → at outcomes[0].when
      test/fixtures/broken/unknown-indicator-in-condition.yaml:128:10 ✖ unknown name "stability": expected an indicator, a parameter, "turn" or "date" in "stability >= 100" → at end.when"
    `);
  });

  it('unknown-indicator-in-effect', () => {
    expect(issuesOf('unknown-indicator-in-effect')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-indicator-in-effect.yaml:79:20 ✖ unknown indicator "temper"; an effect targets an indicator or rel(a,b) → at parties.north.moves[1].failure.temper
      test/fixtures/broken/unknown-indicator-in-effect.yaml:108:16 ✖ unknown indicator "tensoin" (did you mean "tension"?); an effect targets an indicator or rel(a,b) → at events[0].effects.tensoin"
    `);
  });

  it('unknown-initial-state', () => {
    expect(issuesOf('unknown-initial-state')).toMatchInlineSnapshot(`"test/fixtures/broken/unknown-initial-state.yaml:57:16 ✖ unknown state "clam" (did you mean "calm"?); states are calm, angry → at parties.north.machine.initial"`);
  });

  it('unknown-keys', () => {
    expect(issuesOf('unknown-keys')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-keys.yaml:21:5 ✖ unknown key "colour" → at indicators.tension.colour
      test/fixtures/broken/unknown-keys.yaml:44:5 ✖ unknown key "tempreature" (did you mean "temperature"?) → at parties.north.tempreature
      test/fixtures/broken/unknown-keys.yaml:73:9 ✖ unknown key "descripton" (did you mean "description"?) → at parties.north.moves[0].descripton
      test/fixtures/broken/unknown-keys.yaml:115:5 ✖ unknown key "repaet" (did you mean "repeat"?) → at events[1].repaet"
    `);
  });

  it('unknown-move-in-last', () => {
    expect(issuesOf('unknown-move-in-last')).toMatchInlineSnapshot(`"test/fixtures/broken/unknown-move-in-last.yaml:98:31 ✖ unknown move "shot" of north (did you mean "shout"?) in "last(north) == shot" → at parties.south.moves[1].when"`);
  });

  it('unknown-move-in-made', () => {
    expect(issuesOf('unknown-move-in-made')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-move-in-made.yaml:54:37 ✖ unknown move "yell" of north in "made(north, yell)" → at parties.north.interests[1].wants.hold
      test/fixtures/broken/unknown-move-in-made.yaml:63:61 ✖ unknown move "embargoo" of south (did you mean "embargo"?) in "tension > 50 or made(south, embargoo)" → at parties.north.machine.states.calm.on.TURN[0].guard.when"
    `);
  });

  it('unknown-named-guard', () => {
    expect(issuesOf('unknown-named-guard')).toMatchInlineSnapshot(`"test/fixtures/broken/unknown-named-guard.yaml:68:32 ✖ unknown guard "bellow" (did you mean "below"?); define it under guards → at parties.north.machine.states.angry.on.TURN[0].guard.type"`);
  });

  it('unknown-outcome-category-value', () => {
    expect(issuesOf('unknown-outcome-category-value')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-outcome-category-value.yaml:124:42 ✖ "great" is not one of the values good, bad → at outcomes[2].cases[0].value
      test/fixtures/broken/unknown-outcome-category-value.yaml:125:14 ✖ "bda" is not one of the values good, bad (did you mean "bad"?) → at outcomes[2].default"
    `);
  });

  it('unknown-outcome-type', () => {
    expect(issuesOf('unknown-outcome-type')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-outcome-type.yaml:119:106 ✖ expected one of end, ever, got the string "always" → at outcomes[1].over
      test/fixtures/broken/unknown-outcome-type.yaml:126:54 ✖ expected an outcome with type boolean, category or number, got the string "numeric" → at outcomes[3].type"
    `);
  });

  it('unknown-party-in-rel', () => {
    expect(issuesOf('unknown-party-in-rel')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-party-in-rel.yaml:63:60 ✖ unknown party "west" in "tension > 50 or rel(north, west) < -60" → at parties.north.machine.states.calm.on.TURN[0].guard.when
      test/fixtures/broken/unknown-party-in-rel.yaml:72:33 ✖ unknown party "sooth" (did you mean "south"?) → at parties.north.moves[0].effects["rel(north,sooth)"]"
    `);
  });

  it('unknown-party-in-relations', () => {
    expect(issuesOf('unknown-party-in-relations')).toMatchInlineSnapshot(`"test/fixtures/broken/unknown-party-in-relations.yaml:33:24 ✖ unknown party "soutth" (did you mean "south"?) → at relations.initial[0].between[1]"`);
  });

  it('unknown-posture-in-move', () => {
    expect(issuesOf('unknown-posture-in-move')).toMatchInlineSnapshot(`"test/fixtures/broken/unknown-posture-in-move.yaml:76:27 ✖ unknown posture "furious" of north → at parties.north.moves[1].postures[1]"`);
  });

  it('unknown-posture-weight-key', () => {
    expect(issuesOf('unknown-posture-weight-key')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-posture-weight-key.yaml:48:31 ✖ unknown posture "angery" (did you mean "angry"?); use "default" or a posture of north → at parties.north.interests[0].weight.angery
      test/fixtures/broken/unknown-posture-weight-key.yaml:53:17 ✖ no weight for posture calm: add it or a "default" → at parties.north.interests[1].weight"
    `);
  });

  it('unknown-source-in-cite', () => {
    expect(issuesOf('unknown-source-in-cite')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-source-in-cite.yaml:73:26 ✖ unknown source "fictional.text": list it under sources (did you mean "fictional.txt"?) → at parties.north.moves[0].cite[0].source
      test/fixtures/broken/unknown-source-in-cite.yaml:109:22 ✖ unknown source "elsewhere.pdf": list it under sources → at events[0].cite[0].source"
    `);
  });

  it('unknown-state-as-target', () => {
    expect(issuesOf('unknown-state-as-target')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-state-as-target.yaml:62:25 ✖ unknown state "angyr" (did you mean "angry"?); states are calm, angry → at parties.north.machine.states.calm.on.TURN[0].target
      test/fixtures/broken/unknown-state-as-target.yaml:64:9 ✖ state "angry" is unreachable from the initial state "calm" → at parties.north.machine.states.angry"
    `);
  });

  it('unreachable-state', () => {
    expect(issuesOf('unreachable-state')).toMatchInlineSnapshot(`"test/fixtures/broken/unreachable-state.yaml:64:9 ✖ state "frozen" is unreachable from the initial state "calm" → at parties.north.machine.states.frozen"`);
  });

  it('wants-two-kinds', () => {
    expect(issuesOf('wants-two-kinds')).toMatchInlineSnapshot(`
      "test/fixtures/broken/wants-two-kinds.yaml:49:16 ✖ expected exactly one of raise, lower, target, band, hold, got raise and lower → at parties.north.interests[0].wants
      test/fixtures/broken/wants-two-kinds.yaml:88:16 ✖ expected one of raise, lower, target, band, hold, got an empty mapping → at parties.south.interests[0].wants"
    `);
  });

  it('wrong-guard-params', () => {
    expect(issuesOf('wrong-guard-params')).toMatchInlineSnapshot(`
      "test/fixtures/broken/wrong-guard-params.yaml:68:47 ✖ guard "below" is missing param level → at parties.north.machine.states.angry.on.TURN[0].guard.params
      test/fixtures/broken/wrong-guard-params.yaml:68:49 ✖ guard "below" has no param lvl (did you mean "level"?); it takes level → at parties.north.machine.states.angry.on.TURN[0].guard.params.lvl"
    `);
  });

  it('wrong-type-in-union', () => {
    expect(issuesOf('wrong-type-in-union')).toMatchInlineSnapshot(`
      "test/fixtures/broken/wrong-type-in-union.yaml:63:24 ✖ expected { when: "<condition>" } or { type: <guard name>, params: { … } }, got a mapping with when, type → at parties.north.machine.states.calm.on.TURN[0].guard
      test/fixtures/broken/wrong-type-in-union.yaml:68:56 ✖ expected a number, got the string "thirty" → at parties.north.machine.states.angry.on.TURN[0].guard.params.level
      test/fixtures/broken/wrong-type-in-union.yaml:99:34 ✖ expected a number or an expression (a string), got a list → at parties.south.moves[1].effects.trade.set
      test/fixtures/broken/wrong-type-in-union.yaml:115:28 ✖ expected a number, got the string "five" → at events[1].effects.trade[1]"
    `);
  });

  it('wrong-types', () => {
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
    const pinned = new Set([...source.matchAll(/issuesOf\('([a-z0-9-]+)'\)/g)].map((m) => `${m[1]}.yaml`));
    expect(brokenFiles().filter((f) => !pinned.has(f))).toEqual([]);
    expect(brokenFiles().length).toBeGreaterThanOrEqual(30);
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

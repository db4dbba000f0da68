/**
 * The scenario format, as zod schemas. Every type of the format is derived from
 * these (`z.infer`), and so is the JSON Schema that editors use (`wargame schema`).
 *
 * The schemas check shape only; names that refer to other entries (parties,
 * indicators, states, moves, events, sources) are checked by `check-references.ts`,
 * and expressions by the expression compiler, so that every problem is reported
 * with the path of the entry that has it.
 */
import { z } from 'zod';

/** Numbers in a scenario are finite and of a sane size: a typo like 1e308 is an error, not a silent overflow. */
const finite = () =>
  z
    .number({ error: 'expected a number' })
    .min(-1e9, { error: 'expected a number between -1e9 and 1e9' })
    .max(1e9, { error: 'expected a number between -1e9 and 1e9' });

/** The form of an id, and of a month: the loader tells their issues apart by these. */
export const ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const SCENARIO_ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export const IdSchema = z
  .string({ error: 'expected an id (a string)' })
  .regex(ID_PATTERN, {
    error: 'expected an id: lower-case letters, digits and "_", starting with a letter, at most 64 characters',
  });

/** Scenario ids may also use "-" (they name folders and appear on command lines: `wargame run south-caucasus`). */
export const ScenarioIdSchema = z
  .string({ error: 'expected a scenario id (a string)' })
  .regex(SCENARIO_ID_PATTERN, {
    error: 'expected a scenario id: lower-case letters, digits, "-" and "_", starting with a letter',
  });

export const MonthSchema = z
  .string({ error: 'expected a month as "YYYY-MM"' })
  .regex(MONTH_PATTERN, { error: 'expected a month as "YYYY-MM"' });

/** A condition or numeric expression in the scenario expression language (see docs/scenario-format.md). */
export const ExpressionSchema = z
  .string({ error: 'expected an expression (a string)' })
  .min(1, { error: 'expected a non-empty expression' })
  .max(2000, { error: 'expressions are limited to 2000 characters' });

/** A number or an expression that evaluates to one (e.g. a parameter name). */
export const NumberOrExpressionSchema = z.union([finite(), ExpressionSchema], {
  error: 'expected a number or an expression',
});

export const CitationSchema = z.strictObject({
  source: z.string({ error: 'expected the file name of a source text' }),
  quote: z
    .string({ error: 'expected a verbatim quote from the source' })
    .min(8, { error: 'a quote must be at least 8 characters, so it identifies a passage' }),
  /** What the passage is: a reported fact, the author's analysis, the author's recommendation, or an allegation (contested). */
  kind: z.enum(['fact', 'analysis', 'recommendation', 'allegation']).optional(),
});
export type Citation = z.infer<typeof CitationSchema>;

const cites = () => z.array(CitationSchema).min(1, { error: 'cite at least one source passage' });

export const SourceSchema = z.strictObject({
  file: z.string({ error: 'expected a source file name' }),
  title: z.string().optional(),
  author: z.string().optional(),
  written: z.string().optional(),
});

export const CalendarSchema = z.strictObject({
  start: MonthSchema,
  turns: z
    .int({ error: 'expected a whole number of turns' })
    .min(1, { error: 'expected at least 1 turn' })
    .max(1200, { error: 'expected at most 1200 turns' }),
  /** Months per turn. */
  step: z.int().min(1).max(120).default(1),
});

export const ParameterSchema = z
  .strictObject({
    label: z.string(),
    description: z.string(),
    default: finite(),
    min: finite(),
    max: finite(),
    integer: z.boolean().default(false),
  })
  .check((ctx) => {
    const p = ctx.value;
    // With min above max every default would be "outside": then only the bounds are reported.
    if (p.min > p.max) ctx.issues.push({ code: 'custom', params: { code: 'reversed-range' }, message: `min (${p.min}) is above max (${p.max})`, input: p, path: ['min'] });
    else if (p.default < p.min || p.default > p.max)
      ctx.issues.push({ code: 'custom', params: { code: 'value-out-of-range' }, message: `default ${p.default} is outside [${p.min}, ${p.max}]`, input: p, path: ['default'] });
  });
export type Parameter = z.infer<typeof ParameterSchema>;

export const IndicatorSchema = z
  .strictObject({
    label: z.string(),
    description: z.string().optional(),
    unit: z.string().optional(),
    min: finite(),
    max: finite(),
    initial: finite(),
    /** Shown in the turn-by-turn account and on the briefing. */
    key: z.boolean().default(false),
    /** Private information: only these parties see the true value; the others act on their belief (see a party's `beliefs`). Default: everyone. */
    visible_to: z.array(IdSchema).max(64).optional(),
    /** A per-party indicator (e.g. a government's domestic standing): the party it belongs to. */
    of: IdSchema.optional(),
    cite: cites().optional(),
  })
  .check((ctx) => {
    const i = ctx.value;
    if (i.min >= i.max) ctx.issues.push({ code: 'custom', params: { code: 'reversed-range' }, message: `min (${i.min}) must be below max (${i.max})`, input: i, path: ['min'] });
    else if (i.initial < i.min || i.initial > i.max)
      ctx.issues.push({ code: 'custom', params: { code: 'value-out-of-range' }, message: `initial ${i.initial} is outside [${i.min}, ${i.max}]`, input: i, path: ['initial'] });
  });
export type Indicator = z.infer<typeof IndicatorSchema>;

export const RelationEntrySchema = z.strictObject({
  between: z.tuple([IdSchema, IdSchema], { error: 'expected two party ids, e.g. [armenia, azerbaijan]' }),
  value: finite(),
  cite: cites().optional(),
});

export const RelationsSchema = z.strictObject({
  min: finite().default(-100),
  max: finite().default(100),
  /** The value of every pair not listed. */
  default: finite().default(0),
  initial: z.array(RelationEntrySchema).default([]),
});

/**
 * An effect on one target (an indicator id or `rel(a,b)`):
 * a number is a delta; `[lo, hi]` a delta drawn uniformly; `{ add }` and `{ set }` spell it out,
 * and may take an expression.
 */
const range = () => z.tuple([finite(), finite()], { error: 'expected a range [low, high]' });
export const EffectValueSchema = z.union(
  [
    finite(),
    range(),
    z.strictObject({ add: z.union([finite(), range(), ExpressionSchema]) }),
    z.strictObject({ set: z.union([finite(), ExpressionSchema]) }),
  ],
  { error: 'expected a delta (number), a range [low, high], { add: … } or { set: … }' },
);
export type EffectValue = z.infer<typeof EffectValueSchema>;
export const EffectsSchema = z.record(z.string(), EffectValueSchema);
export type Effects = z.infer<typeof EffectsSchema>;

const wantsKinds = ['raise', 'lower', 'target', 'band', 'hold'] as const;
export const WantsSchema = z
  .strictObject({
    /** Utility grows with this expression. */
    raise: ExpressionSchema.optional(),
    /** Utility grows as this expression falls. */
    lower: ExpressionSchema.optional(),
    /** Utility is highest when `of` equals `value`. */
    target: z.strictObject({ of: ExpressionSchema, value: finite() }).optional(),
    /** Utility is highest while `of` stays within the band. */
    band: z.strictObject({ of: ExpressionSchema, within: range() }).optional(),
    /** Utility 1 while the condition holds, else 0. */
    hold: ExpressionSchema.optional(),
    /** The change in the measured expression that counts as one unit of utility (default 100: a full indicator range of 0–100). */
    scale: finite().refine((v) => v > 0, { error: 'scale must be positive', params: { code: 'too-small' } }).optional(),
  })
  .check((ctx) => {
    const given = wantsKinds.filter((k) => ctx.value[k] !== undefined);
    if (given.length !== 1)
      ctx.issues.push({
        code: 'custom',
        params: { code: given.length === 0 ? 'missing-key' : 'conflicting-keys' },
        input: ctx.value,
        message:
          given.length === 0
            ? `expected one of ${wantsKinds.join(', ')}`
            : `expected exactly one of ${wantsKinds.join(', ')}, got ${given.join(' and ')}`,
      });
  });
export type Wants = z.infer<typeof WantsSchema>;

export const InterestSchema = z.strictObject({
  id: IdSchema,
  text: z.string(),
  /** A weight, or weights by posture with a `default`, so a posture changes what a party cares about most. */
  weight: z.union([finite(), z.record(z.string(), finite())], { error: 'expected a weight or a map of posture → weight' }),
  wants: WantsSchema,
  cite: cites(),
});
export type Interest = z.infer<typeof InterestSchema>;

/** `{ when: expr }` inline, or a named guard from `guards` with parameters, as XState's `{ type, params }`. */
export const GuardSchema = z.union(
  [
    z.strictObject({ when: ExpressionSchema }),
    z.strictObject({ type: IdSchema, params: z.record(z.string(), finite()).default({}) }),
  ],
  { error: 'expected { when: "<condition>" } or { type: <guard name>, params: { … } }' },
);
export type Guard = z.infer<typeof GuardSchema>;

export const TransitionSchema = z.strictObject({
  target: IdSchema,
  guard: GuardSchema.optional(),
  /** Why a party changes posture this way, for the explanation. */
  reason: z.string().optional(),
  cite: cites().optional(),
});

export const PostureSchema = z.strictObject({
  label: z.string().optional(),
  description: z.string().optional(),
  cite: cites().optional(),
  /** `TURN`: tried every turn; a message id: tried when the party receives that message (in the turn's reaction phase). */
  on: z
    .object({ TURN: z.array(TransitionSchema).default([]) })
    .catchall(z.array(TransitionSchema))
    .default({ TURN: [] }),
});

export const MachineSchema = z.strictObject({
  initial: IdSchema,
  states: z.record(IdSchema, PostureSchema),
});

export const MoveSchema = z.strictObject({
  id: IdSchema,
  label: z.string(),
  description: z.string().optional(),
  /** Postures in which the move is available (default: all). */
  postures: z.array(IdSchema).optional(),
  /** Further condition for availability. */
  when: ExpressionSchema.optional(),
  /** Probability that the move succeeds; on failure, `failure` effects apply instead. */
  chance: NumberOrExpressionSchema.optional(),
  effects: EffectsSchema.default({}),
  failure: EffectsSchema.optional(),
  /** Messages the move sends when it succeeds (a proposal, a demand, a threat, a guarantee, a request for help), answered within the turn. */
  sends: z
    .array(
      z.strictObject({
        message: IdSchema,
        /** The receivers (parties). */
        to: z.array(IdSchema).min(1).max(64),
      }),
    )
    .max(8)
    .optional(),
  /** A reaction: offered only in the turn's reaction phase, to a party that received one of these messages. */
  reacts_to: z.array(IdSchema).min(1).max(32).optional(),
  /** Once made, these moves (`move` of this party or `party.move`) cannot be made for `turns` turns, this one included; a move excluded by one resolved earlier in the same turn fails. */
  excludes: z.strictObject({ moves: z.array(z.string().max(130)).min(1).max(64), turns: z.int().min(1).max(1200) }).optional(),
  /** A secret move: only these parties (and its maker) learn that it was made. */
  visible_to: z.array(IdSchema).max(64).optional(),
  cite: cites(),
});
export type Move = z.infer<typeof MoveSchema>;

/** The most turns a party may look ahead (`horizon`): each turn of look-ahead multiplies the cost of a decision by about the number of its options. */
export const MAX_HORIZON = 3;

/** A belief about an indicator the party cannot see: where it starts, and how fast it moves toward the truth each turn (0: never learns). */
export const BeliefSchema = z.strictObject({
  prior: finite(),
  learn: z.number().min(0).max(1).optional(),
  cite: cites().optional(),
});

/** What one party may send another, and what it means if accepted. */
export const MessageSchema = z.strictObject({
  id: IdSchema,
  label: z.string(),
  description: z.string().optional(),
  kind: z.enum(['proposal', 'demand', 'threat', 'guarantee', 'request']),
  /** Linked terms: applied (to every side) when a receiver accepts. */
  terms: EffectsSchema.optional(),
  /** Applied when a receiver rejects (a threat carried out, a refusal's price). */
  on_reject: EffectsSchema.optional(),
  /** A binding commitment created by acceptance: for `turns` turns the listed moves break it, at `cost`. */
  commitment: z
    .strictObject({
      turns: z.int().min(1).max(1200),
      /** Moves that break the commitment, by party (sender and receivers). */
      breaks: z.record(IdSchema, z.array(IdSchema).min(1).max(64)),
      cost: EffectsSchema,
    })
    .optional(),
  cite: cites(),
});
export type Message = z.infer<typeof MessageSchema>;

export const PartySchema = z.strictObject({
  name: z.string(),
  seat: z.string(),
  description: z.string().optional(),
  /** Softmax temperature of the computer policy: 0 picks the best move, higher values explore more. */
  temperature: NumberOrExpressionSchema.default(0.1),
  /** Standard deviation of the seeded noise added to each move's utility. */
  noise: NumberOrExpressionSchema.default(0),
  interests: z.array(InterestSchema).min(1, { error: 'a party needs at least one interest' }),
  machine: MachineSchema,
  moves: z.array(MoveSchema).min(1, { error: 'a party needs at least one move' }),
  /** The move made while following history in a month the history track gives the party none (a quiet, always-available move). */
  idle: IdSchema.optional(),
  /** Turns the policy looks ahead (1: the move's own effects; 2–3: also seeded rollouts of the turns after). Default 1. */
  horizon: z.int().min(1).max(MAX_HORIZON, { error: `a horizon of at most ${MAX_HORIZON} turns` }).optional(),
  /** Weight of each later turn of look-ahead (default 0.9). */
  discount: z.number().min(0).max(1).optional(),
  /** Beliefs about indicators the party cannot see (by indicator id). Without one, a party believes a hidden indicator's initial value. */
  beliefs: z.record(IdSchema, BeliefSchema).optional(),
  /** Who sees this party's posture (default: everyone). */
  posture_visible_to: z.array(IdSchema).max(64).optional(),
  cite: cites().optional(),
});
export type Party = z.infer<typeof PartySchema>;

export const NamedGuardSchema = z.strictObject({
  description: z.string().optional(),
  /** Names usable as `$name` in `when`, given by each use's `params`. */
  params: z.array(IdSchema).default([]),
  when: ExpressionSchema,
});

export const EventSchema = z
  .strictObject({
    id: IdSchema,
    label: z.string(),
    description: z.string().optional(),
    /** Fires at the start of this month's turn. */
    at: MonthSchema.optional(),
    /** Chance per turn of firing (while `when` holds). */
    chance: NumberOrExpressionSchema.optional(),
    when: ExpressionSchema.optional(),
    /** Whether a random event can fire more than once. */
    repeat: z.boolean().default(false),
    /**
     * A drift of the world rather than a shock: fires every turn while \`when\` holds,
     * without a draw, and also while a session follows history.
     */
    recurring: z.boolean().default(false),
    effects: EffectsSchema.default({}),
    cite: cites(),
  })
  .check((ctx) => {
    if (ctx.value.at !== undefined && ctx.value.chance !== undefined)
      ctx.issues.push({ code: 'custom', params: { code: 'conflicting-keys' }, input: ctx.value, path: ['chance'], message: 'an event is either scheduled (at) or random (chance), not both' });
    if (ctx.value.recurring && (ctx.value.at !== undefined || ctx.value.chance !== undefined))
      ctx.issues.push({ code: 'custom', params: { code: 'conflicting-keys' }, input: ctx.value, path: ['recurring'], message: 'a recurring event fires every turn: it takes neither at nor chance' });
  });
export type ScenarioEvent = z.infer<typeof EventSchema>;

const outcomeBase = {
  id: IdSchema,
  label: z.string(),
  description: z.string().optional(),
};
export const OutcomeSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      ...outcomeBase,
      type: z.literal('boolean'),
      when: ExpressionSchema,
      /** `end`: true if the condition holds at the end; `ever`: if it held after any turn. */
      over: z.enum(['end', 'ever']).default('end'),
    }),
    z.strictObject({
      ...outcomeBase,
      type: z.literal('category'),
      values: z.array(IdSchema).min(2),
      cases: z.array(z.strictObject({ when: ExpressionSchema, value: IdSchema })).min(1),
      default: IdSchema,
    }),
    z.strictObject({ ...outcomeBase, type: z.literal('number'), value: ExpressionSchema }),
  ],
  { error: 'expected an outcome with type boolean, category or number' },
);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** A move a party really made, dated and cited: the history track a session can follow and branch from. */
export const HistoryStepSchema = z.strictObject({
  date: MonthSchema,
  party: IdSchema,
  move: IdSchema,
  /** What happened, in a line, for the history table and debriefs. */
  note: z.string().optional(),
  cite: cites(),
});
export type HistoryStep = z.infer<typeof HistoryStepSchema>;

/** A number `wargame calibrate` fits by default: a path (`party.russia.noise`, …) and the range to search. */
export const CalibrationTargetSchema = z.strictObject({
  path: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, { error: 'expected a path such as party.russia.noise (see wargame inspect <scenario> --paths)' }),
  range: z.tuple([finite(), finite()]),
  /** Why it is left to the record (prose). */
  why: z.string().optional(),
});

export const ScenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  id: ScenarioIdSchema,
  title: z.string(),
  description: z.string(),
  version: z.string().default('1'),
  sources: z.array(SourceSchema).default([]),
  calendar: CalendarSchema,
  parameters: z.record(IdSchema, ParameterSchema).default({}),
  indicators: z.record(IdSchema, IndicatorSchema),
  relations: RelationsSchema.default({ min: -100, max: 100, default: 0, initial: [] }),
  guards: z.record(IdSchema, NamedGuardSchema).default({}),
  parties: z.record(IdSchema, PartySchema),
  events: z.array(EventSchema).default([]),
  outcomes: z.array(OutcomeSchema).default([]),
  /** What parties may send each other within a turn (see a move's `sends`). */
  messages: z.array(MessageSchema).max(200).optional(),
  history: z.array(HistoryStepSchema).default([]),
  /**
   * Numbers besides the parameters that `wargame calibrate` fits by default
   * (with the parameters), each a path with the range to search: the parties'
   * temperatures and noise, say, which the sources do not give.
   */
  calibration: z.array(CalibrationTargetSchema).max(200).optional(),
  /** The run ends early when this holds after a turn. */
  end: z.strictObject({ when: ExpressionSchema }).optional(),
});
/** A scenario as written (defaults filled in). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioDoc = z.infer<typeof ScenarioSchema>;

/** The JSON Schema of the format, for editors (`# yaml-language-server: $schema=…`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://wargame.local/schema/scenario.schema.json',
    title: 'wargame scenario',
    description: 'A scenario for the wargame engine. See docs/scenario-format.md.',
  };
}

/**
 * Save files: a versioned JSON record of a session's inputs and state hashes
 * (not its states). Loading replays every turn from the seed and checks each
 * hash, so a save that was edited by hand, or belongs to another version of the
 * scenario, is refused with a message that says which.
 */
import { z } from 'zod';
import type { CompiledScenario } from '../scenario/compiled.js';
import { TurnInputsSchema, type TurnInputs } from '../sim/inputs.js';
import { createInitialState, stateHash, type GameState } from '../sim/state.js';
import { stepTurn } from '../sim/step-turn.js';
import { MAX_BRANCH_NAME, MAX_SESSION_NODES } from './limits.js';
import { SCENARIO_LIMITS } from '../scenario/load.js';
import { seedProblem, unsafeChar } from '../util/text.js';
import { Session, type SessionNode } from './session.js';

export const SAVE_FORMAT = 'wargame-session';

export const SAVE_VERSION = 1;

export const SaveTimerSchema = z.strictObject({
  /** When the time is up (UTC, ISO 8601). */
  ends: z.iso.datetime(),
  minutes: z.number().positive().max(1440),
  label: z.string().min(1).max(40).optional(),
});
export type SaveTimer = z.infer<typeof SaveTimerSchema>;

export const SaveSchema = z.strictObject({
  format: z.literal(SAVE_FORMAT),
  version: z.literal(SAVE_VERSION),
  scenario: z.strictObject({ id: z.string(), title: z.string(), hash: z.string() }),
  seed: z.string().refine((s) => seedProblem(s) === null, { error: (i) => seedProblem(String(i.input)) ?? 'not a seed' }),
  params: z.record(z.string(), z.number()),
  driver: z.enum(['xstate', 'table']).default('xstate'),
  head: z.int().min(0),
  nodes: z
    .array(
      z.strictObject({
        id: z.int().min(0),
        parent: z.int().min(0).nullable(),
        turn: z.int().min(0),
        inputs: TurnInputsSchema.nullable(),
        hash: z.string(),
        note: z.string().max(4000).optional(),
        /** The name of the branch this node begins. */
        branch: z.string().min(1).max(MAX_BRANCH_NAME).optional(),
      }),
    )
    .min(1)
    .max(MAX_SESSION_NODES, { error: `a save holds at most ${MAX_SESSION_NODES} turns (over all branches)` }),
  /**
   * Inputs entered for the turn after `head` and not played yet: a facilitated
   * round in progress (staged injects and rulings, the choices and answers of
   * the teams that have had the keyboard). Checked on load, never replayed.
   */
  pending: TurnInputsSchema.optional(),
  /** The parties played by people (a facilitator's teams, a player's party), so a resumed session knows them before any turn is played. */
  players: z.array(z.string()).max(SCENARIO_LIMITS.parties).optional(),
  /**
   * A phase's countdown set by the facilitator, kept for the screens only (the
   * projector following the save, a resumed console): never replayed, never in
   * a state hash. The engine stores the time it is given and reads no clock.
   */
  timer: SaveTimerSchema.optional(),
});
export type SaveFile = z.infer<typeof SaveSchema>;

export interface SaveError {
  code: 'save/not-json' | 'save/not-a-save' | 'save/version' | 'save/invalid' | 'save/scenario' | 'save/replay';
  message: string;
}

/** True when inputs hold nothing: no choice, answer, inject or ruling. */
function emptyInputs(inputs: TurnInputs): boolean {
  return Object.values(inputs).every((v) => v === undefined || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0));
}

/**
 * The save of a session (plain JSON data; the caller writes it), with the
 * inputs entered so far for the next turn when a round is in progress.
 */
export function saveSession(session: Session, opts: { pending?: TurnInputs; players?: readonly string[]; timer?: SaveTimer } = {}): SaveFile {
  const pending = opts.pending && !emptyInputs(opts.pending) ? opts.pending : undefined;
  return {
    format: SAVE_FORMAT,
    version: SAVE_VERSION,
    scenario: { id: session.scenario.id, title: session.scenario.title, hash: session.scenario.hash },
    seed: session.seed,
    params: session.params,
    driver: session.driver,
    head: session.head.id,
    nodes: session.nodes.map((n) => ({
      id: n.id,
      parent: n.parent,
      turn: n.turn,
      inputs: n.inputs,
      hash: n.hash,
      ...(n.note === undefined ? {} : { note: n.note }),
      ...(n.branchName === undefined ? {} : { branch: n.branchName }),
    })),
    ...(pending ? { pending } : {}),
    ...(opts.players ? { players: [...opts.players] } : {}),
    ...(opts.timer ? { timer: { ...opts.timer } } : {}),
  };
}

/**
 * The first key or text in a save that carries a character a terminal would
 * obey (a save is shown on screens and in reports; notes may span lines).
 * Iterative, as the JSON may be deep.
 */
function firstControl(value: unknown, path: (string | number)[]): { code: string; path: (string | number)[] } | null {
  const stack: [unknown, (string | number)[]][] = [[value, path]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (typeof v === 'string') {
      const bad = unsafeChar(v, true);
      if (bad) return { code: bad.code, path: p };
    } else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push([v[i], [...p, i]]);
    else if (v && typeof v === 'object')
      for (const [k, item] of Object.entries(v)) {
        const bad = unsafeChar(k, false);
        if (bad) return { code: bad.code, path: p };
        stack.push([item, [...p, k]]);
      }
  }
  return null;
}

/** Upgrades older save versions to the current one. Version 1 is the first; later versions add steps here. */
function upgrade(raw: Record<string, unknown>): { ok: true; value: unknown } | { ok: false; error: SaveError } {
  const v = raw['version'];
  if (typeof v !== 'number' || !Number.isInteger(v))
    return { ok: false, error: { code: 'save/version', message: 'the save has no format version (a whole number in "version")' } };
  if (v > SAVE_VERSION)
    return { ok: false, error: { code: 'save/version', message: `the save is format version ${v}, made by a newer wargame; this one reads up to version ${SAVE_VERSION}: upgrade wargame to open it` } };
  if (v < 1) return { ok: false, error: { code: 'save/version', message: `the save is format version ${v}, which no released wargame wrote; it cannot be read` } };
  return { ok: true, value: raw };
}

/**
 * Reads a save for a scenario: checks it, replays every turn from the seed and
 * verifies the state hash at each node.
 *
 * @example
 * const r = loadSession(scenario, fs.readFileSync('game.json', 'utf8'));
 * if (!r.ok) console.error(r.error.message);
 */
export function loadSession(scenario: CompiledScenario, text: string): LoadedSave | { ok: false; error: SaveError } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: { code: 'save/not-json', message: `the save is not valid JSON: ${(e as Error).message}` } };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || (raw as Record<string, unknown>)['format'] !== SAVE_FORMAT)
    return { ok: false, error: { code: 'save/not-a-save', message: `not a wargame save file (expected "format": "${SAVE_FORMAT}")` } };
  const up = upgrade(raw as Record<string, unknown>);
  if (!up.ok) return up;
  const control = firstControl(up.value, []);
  if (control)
    return { ok: false, error: { code: 'save/invalid', message: `the save is damaged: a text holds the control character ${control.code} at ${control.path.join('.') || 'the top'}` } };
  const parsed = SaveSchema.safeParse(up.value);
  if (!parsed.success)
    return {
      ok: false,
      error: { code: 'save/invalid', message: `the save is damaged: ${parsed.error.issues.slice(0, 5).map((i) => `${i.message} at ${i.path.join('.') || 'the top'}`).join('; ')}` },
    };
  const save = parsed.data;
  if (save.scenario.id !== scenario.id)
    return { ok: false, error: { code: 'save/scenario', message: `the save is of scenario "${save.scenario.id}", not "${scenario.id}"` } };
  if (save.scenario.hash !== scenario.hash)
    return {
      ok: false,
      error: {
        code: 'save/scenario',
        message: `the save was made with another version of scenario "${scenario.id}" (hash ${save.scenario.hash}; this one is ${scenario.hash}); its turns would not replay the same, so it is refused`,
      },
    };
  return replaySave(scenario, save);
}

/** A save read back: the session at its head, and the round that was in progress there, if any. */
export interface LoadedSave {
  ok: true;
  session: Session;
  /** The inputs entered for the next turn before the save was written (checked: the turn plays with them). */
  pending?: TurnInputs;
  /** The parties played by people, when the save names them (each a party of the scenario). */
  players?: string[];
  /** The facilitator's countdown, when one was running (for the screens only). */
  timer?: SaveTimer;
}

/** Replays a parsed save, verifying every node's hash, and checks the round in progress against the head's world. */
export function replaySave(scenario: CompiledScenario, save: SaveFile): LoadedSave | { ok: false; error: SaveError } {
  const bad = (message: string): { ok: false; error: SaveError } => ({ ok: false, error: { code: 'save/replay', message } });
  const created = Session.create(scenario, { seed: save.seed, params: save.params, driver: save.driver });
  if (!created.ok) return bad(`the save's start cannot be set up: ${created.error.message}`);
  const init = createInitialState(scenario, { seed: save.seed, params: save.params });
  if (!init.ok) return bad(init.error.message);
  const states: GameState[] = [];
  const nodes: SessionNode[] = [];
  for (const [i, n] of save.nodes.entries()) {
    if (n.id !== i) return bad(`node ${i} has id ${n.id}: nodes must be numbered 0, 1, 2… in order`);
    if (i === 0) {
      if (n.parent !== null || n.turn !== 0) return bad('node 0 must be the start (no parent, turn 0)');
      const h = stateHash(init.state);
      if (h !== n.hash) return bad(`the start state hash differs (saved ${n.hash}, replayed ${h}): the seed or parameters were changed`);
      states.push(init.state);
      nodes.push({ id: 0, parent: null, turn: 0, inputs: null, hash: h, log: null, ...(n.note === undefined ? {} : { note: n.note }), ...(n.branch === undefined ? {} : { branchName: n.branch }) });
      continue;
    }
    if (n.parent === null || n.parent >= i) return bad(`node ${i}: its parent must be an earlier node`);
    const parent = nodes[n.parent]!;
    if (n.turn !== parent.turn + 1) return bad(`node ${i}: turn ${n.turn} does not follow its parent's turn ${parent.turn}`);
    const r = stepTurn(scenario, states[n.parent]!, n.inputs ?? {}, { driver: save.driver });
    if (!r.ok) return bad(`node ${i} (turn ${n.turn}): its inputs are refused: ${r.error.message}`);
    if (r.log.stateHash !== n.hash)
      return bad(`node ${i} (turn ${n.turn}): the replayed state hash ${r.log.stateHash} differs from the saved ${n.hash}: the save was edited or made by a different engine`);
    states.push(r.state);
    nodes.push({ id: i, parent: n.parent, turn: n.turn, inputs: n.inputs, hash: n.hash, log: r.log, ...(n.note === undefined ? {} : { note: n.note }), ...(n.branch === undefined ? {} : { branchName: n.branch }) });
  }
  if (save.head >= nodes.length) return bad(`head ${save.head} is not a node of the save`);
  const unknown = save.players?.find((id) => !scenario.parties.some((p) => p.id === id));
  if (unknown !== undefined) return bad(`"players" names "${unknown}", which is not a party of ${scenario.id}`);
  if (save.pending) {
    // A round in progress must be one the head's turn accepts: partial choices are
    // fine (the others are not chosen yet), and so is a message still to answer.
    if (states[save.head]!.ended) return bad(`a round in progress is saved after turn ${nodes[save.head]!.turn}, but the game ended there`);
    const r = stepTurn(scenario, states[save.head]!, save.pending, { driver: save.driver });
    if (!r.ok && r.error.code !== 'reply/needed') return bad(`the round in progress after turn ${nodes[save.head]!.turn} is refused: ${r.error.message}`);
  }
  Session.restore(created.session, nodes, states, save.head);
  return {
    ok: true,
    session: created.session,
    ...(save.pending ? { pending: save.pending } : {}),
    ...(save.players ? { players: save.players } : {}),
    ...(save.timer ? { timer: save.timer } : {}),
  };
}

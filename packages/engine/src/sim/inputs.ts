/**
 * What a turn takes besides the state: human choices and a facilitator's
 * injects and adjudications. Validated with zod because they arrive from
 * players, save files and (later) the network.
 */
import { z } from 'zod';
import { EffectsSchema, IdSchema } from '../scenario/schema.js';
import { MAX_INJECTS_PER_TURN } from '../session/limits.js';

export const InjectSchema = z.union(
  [
    /** A scenario event, fired now whatever its schedule or chance. */
    z.strictObject({ event: IdSchema }),
    /** An event written by the facilitator. */
    z.strictObject({
      custom: z.strictObject({ id: IdSchema, label: z.string().min(1).max(200), effects: EffectsSchema }),
    }),
  ],
  { error: 'expected { event: <id> } or { custom: { id, label, effects } }' },
);
export type Inject = z.infer<typeof InjectSchema>;

export const TurnInputsSchema = z.strictObject({
  /** Moves chosen by human controllers, by party id. */
  choices: z.record(IdSchema, IdSchema).optional(),
  /** Events injected by a facilitator before postures and moves. */
  inject: z.array(InjectSchema).max(MAX_INJECTS_PER_TURN, { error: `at most ${MAX_INJECTS_PER_TURN} injected events a turn` }).optional(),
  /** A facilitator's ruling: these effects replace the party's move effects this turn. */
  adjudicate: z.record(IdSchema, EffectsSchema).optional(),
  /**
   * Parties whose ruled move the facilitator ruled a failure: it has the
   * adjudicated effects (its failure effects, say), counts as failed in the
   * record, and sends no message. Each must have a ruling in `adjudicate`.
   */
  failed: z.array(IdSchema).max(64).optional(),
  /**
   * Follow the history track this turn: parties make their historical moves
   * (forced, even where the model would not offer them), parties without one
   * make their idle move, and random events do not fire. Choices still win.
   */
  history: z.boolean().optional(),
  /**
   * Answers to messages received this turn, by receiving party then message id:
   * "accept", "reject", or the id of one of the party's reaction moves. A party
   * whose move was chosen by a person answers only this way (the turn asks for
   * a missing answer); a computer party answers by its policy unless given one.
   */
  replies: z.record(IdSchema, z.record(IdSchema, IdSchema)).optional(),
  /** A facilitator's annotation, kept in the log. */
  note: z.string().max(4000).optional(),
});
export type TurnInputs = z.infer<typeof TurnInputsSchema>;

export type TurnErrorCode =
  | 'game/over'
  | 'inputs/invalid'
  | 'party/unknown'
  | 'move/unknown'
  | 'move/unavailable'
  | 'event/unknown'
  | 'effects/invalid'
  | 'reply/needed'
  | 'reply/unexpected'
  | 'reply/invalid';

/** A message a person must answer before the turn can finish. */
export interface PendingReply {
  party: string;
  message: string;
  label: string;
  kind: string;
  from: string;
  /** What the party may answer: "accept", "reject" or a reaction move's id, with a label and the expected effects. */
  options: { reply: string; label: string; effects: { key: string; op: 'add' | 'set'; amount: number }[] }[];
}

/** An illegal input, returned (never thrown) so a UI can show it and let the player choose again. */
export interface TurnError {
  code: TurnErrorCode;
  message: string;
  party?: string;
  /** For `move/unavailable`: the moves the party could make. */
  available?: string[];
  /** For `reply/needed`: the messages waiting for a person's answer. */
  pending?: PendingReply[];
}

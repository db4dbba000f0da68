/**
 * The wire protocol: JSON text frames. Every client frame is checked with these
 * schemas before anything reads it; see docs/limits.md ("Network") for the caps.
 */
import { z } from 'zod';
import { EffectsSchema, IdSchema, InjectSchema } from '@wargame/engine';

/** Frames larger than this get an error reply and are not parsed. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Frames larger than this close the connection (the WebSocket layer stops reading them). */
export const MAX_WIRE_BYTES = 1024 * 1024;

const frameId = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
/** The head node the frame was written against: a frame for another node is out of turn. */
const node = z.int().min(0).max(1_000_000);

export const ClientFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), code: z.string().min(1).max(100) }),
  z.strictObject({ type: z.literal('ping'), id: frameId }),
  // a team
  z.strictObject({ type: z.literal('move'), id: frameId, node, move: IdSchema }),
  z.strictObject({ type: z.literal('reply'), id: frameId, node, message: IdSchema, reply: IdSchema }),
  // the facilitator
  z.strictObject({ type: z.literal('advance'), id: frameId, node, force: z.boolean().optional() }),
  z.strictObject({ type: z.literal('inject'), id: frameId, node, inject: InjectSchema }),
  z.strictObject({ type: z.literal('clear-injects'), id: frameId, node }),
  z.strictObject({ type: z.literal('adjudicate'), id: frameId, node, party: IdSchema, effects: EffectsSchema }),
  z.strictObject({ type: z.literal('note'), id: frameId, node, text: z.string().max(4000) }),
  z.strictObject({ type: z.literal('rewind'), id: frameId, turn: z.int().min(0).max(100_000) }),
  z.strictObject({ type: z.literal('checkout'), id: frameId, to: z.int().min(0).max(1_000_000) }),
  z.strictObject({ type: z.literal('pause'), id: frameId, paused: z.boolean() }),
  z.strictObject({ type: z.literal('revoke'), id: frameId, role: z.string().min(1).max(64) }),
  z.strictObject({ type: z.literal('export'), id: frameId }),
  /** A countdown for the teams' choices this turn (0 clears it). Advisory: when it runs out the facilitator waits or advances with force. */
  z.strictObject({ type: z.literal('timer'), id: frameId, node, seconds: z.int().min(0).max(3600) }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export type ErrorCode =
  | 'frame/too-large'
  | 'frame/binary'
  | 'frame/not-json'
  | 'frame/invalid'
  | 'frame/replayed'
  | 'frame/out-of-turn'
  | 'rate/limited'
  | 'auth/required'
  | 'auth/refused'
  | 'auth/rate-limited'
  | 'auth/already'
  | 'role/forbidden'
  | 'game/paused'
  | 'game/waiting'
  | 'store/failed'
  | string;

export interface ErrorFrame {
  type: 'error';
  id?: number;
  code: ErrorCode;
  message: string;
  [k: string]: unknown;
}

/**
 * The game a player drives: the session, its turn commands (play, undo, save)
 * and whether the turns on screen are saved. The session is mutable, so a
 * version number tells React when it changed.
 */
import { saveSession, type CompiledScenario, type PendingReply, type Session, type TurnInputs } from '@wargame/engine';
import { offeredMoves, targetLabelOf } from './briefing-model.js';
import { formatSigned } from './format.js';
import { turnName } from './turn-name.js';
import { refusalText } from './refusal.js';
import { useCallback, useRef, useState } from 'react';

export interface PlayGame {
  session: Session;
  /** Bumped whenever the session changes. */
  version: number;
  /** Turns on screen differ from the last save (or nothing was saved and the player has played). */
  dirty: boolean;
  /** `dirty` as of now (for handlers that run between renders). */
  isDirty: () => boolean;
  /** Plays the player's `index`-th offered move (or, while a message waits for an answer, its `index`-th answer); returns a message for the footer. */
  play: (index: number) => string;
  /** A message to the player's party that waits for an answer before the turn can finish. */
  pending: PendingReply | null;
  undo: () => string;
  save: () => { ok: true; message: string } | { ok: false; message: string };
}

export interface PlayGameOptions {
  scenario: CompiledScenario;
  session: Session;
  partyIndex: number;
  startTurn: number;
  savePath: string;
  /** Writes the save (atomically, in the CLI). May throw an error with a message for the player. */
  writeFile: (path: string, text: string) => void;
}

export function usePlayGame(opts: PlayGameOptions): PlayGame {
  const { scenario, session, partyIndex, startTurn, savePath, writeFile } = opts;
  const [version, setVersion] = useState(0);
  // The head node id at the last save; starting a game is not a change worth a question on quit.
  const savedHead = useRef<number | null>(session.head.id);
  const bump = () => setVersion((v) => v + 1);

  // A move whose turn waits for the player's answer to a message: the move, the answers given so far, and what is asked.
  const waiting = useRef<{ choice: string; replies: Record<string, string>; pending: PendingReply } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `bump` and the refs are stable; the session is the mutable object the callbacks act on
  const advance = useCallback(
    (inputs: TurnInputs, label: string) => {
      const party = scenario.parties[partyIndex]!;
      const r = session.advance(inputs);
      if (!r.ok && r.error.code === 'reply/needed' && r.error.pending && r.error.pending.length > 0) {
        waiting.current = { choice: inputs.choices![party.id]!, replies: { ...(inputs.replies?.[party.id] ?? {}) }, pending: r.error.pending[0]! };
        bump();
        const p = r.error.pending[0]!;
        return `${scenario.parties.find((x) => x.id === p.from)?.name ?? p.from} sends you a ${p.kind}: “${p.label}”. Choose your answer.`;
      }
      waiting.current = null;
      bump();
      if (!r.ok) return `✖ ${refusalText(scenario, r.error)}`;
      // What the move did, in the footer at once; the News tab says what else moved the indicators, and why.
      const own = r.log.parties.find((p) => p.party === party.id);
      const did = (own?.effects ?? []).filter((e) => e.op === 'add' && Math.abs(e.amount) >= 0.05).slice(0, 3);
      const what = own && !own.success ? ' (it failed)' : did.length > 0 ? ` → ${did.map((e) => `${targetLabelOf(scenario, e.key)} ${formatSigned(e.amount)}`).join(', ')}` : '';
      return `${r.log.date}: you played “${label}”${what}. News: what moved, and why.`;
    },
    [scenario, session, partyIndex],
  );

  const play = useCallback(
    (index: number) => {
      const party = scenario.parties[partyIndex]!;
      const w = waiting.current;
      if (w) {
        const answer = w.pending.options[index];
        if (!answer) return 'That answer is not available.';
        const replies = { ...w.replies, [w.pending.message]: answer.reply };
        return advance({ choices: { [party.id]: w.choice }, replies: { [party.id]: replies } }, party.moves.find((m) => m.id === w.choice)?.label ?? w.choice);
      }
      const id = offeredMoves(scenario, session, partyIndex)[index];
      if (!id) return 'That move is not available.';
      return advance({ choices: { [party.id]: id } }, party.moves.find((m) => m.id === id)!.label);
    },
    [scenario, session, partyIndex, advance],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `bump` and the refs are stable; the session is the mutable object the callbacks act on
  const undo = useCallback(() => {
    if (waiting.current) {
      waiting.current = null;
      bump();
      return 'Took back the move that was waiting for your answer: choose again.';
    }
    const head = session.head;
    if (head.turn <= startTurn) return 'Nothing to undo: this is the first turn you play.';
    const log = head.log;
    session.rewind(head.turn - 1);
    bump();
    const mine = log?.parties.find((p) => p.party === scenario.parties[partyIndex]!.id);
    return `Undid ${log?.date ?? 'the last turn'}${mine?.moveLabel ? ` (“${mine.moveLabel}”)` : ''}: choose again.`;
  }, [scenario, session, partyIndex, startTurn]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `bump` and the refs are stable; the session is the mutable object the callbacks act on
  const save = useCallback(() => {
    try {
      writeFile(savePath, `${JSON.stringify(saveSession(session, { players: [scenario.parties[partyIndex]!.id] }), null, 2)}\n`);
    } catch (e) {
      return { ok: false as const, message: `Could not save: ${(e as Error).message}` };
    }
    savedHead.current = session.head.id;
    bump();
    return { ok: true as const, message: `Saved to ${savePath}, ${turnName(scenario, session.head.turn)}.` };
  }, [session, savePath, writeFile]);

  const isDirty = useCallback(() => savedHead.current !== session.head.id, [session]);
  return { session, version, dirty: isDirty(), isDirty, play, pending: waiting.current?.pending ?? null, undo, save };
}

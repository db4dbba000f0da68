/**
 * The game a player drives: the session, its turn commands (play, undo, save)
 * and whether the turns on screen are saved. The session is mutable, so a
 * version number tells React when it changed.
 */
import { availableMoves, saveSession, type CompiledScenario, type Session } from '@wargame/engine';
import { useCallback, useRef, useState } from 'react';

export interface PlayGame {
  session: Session;
  /** Bumped whenever the session changes. */
  version: number;
  /** Turns on screen differ from the last save (or nothing was saved and the player has played). */
  dirty: boolean;
  /** `dirty` as of now (for handlers that run between renders). */
  isDirty: () => boolean;
  /** Plays the player's `index`-th available move; returns a message for the footer. */
  play: (index: number) => string;
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

  const play = useCallback(
    (index: number) => {
      const party = scenario.parties[partyIndex]!;
      const move = availableMoves(scenario, partyIndex, session.state)[index];
      if (!move) return 'That move is not available.';
      const r = session.advance({ choices: { [party.id]: move.id } });
      bump();
      if (!r.ok) return `The move was refused: ${r.error.message}`;
      return `${r.log.date}: you played “${move.label}”.`;
    },
    [scenario, session, partyIndex],
  );

  const undo = useCallback(() => {
    const head = session.head;
    if (head.turn <= startTurn) return 'Nothing to undo: this is the first turn you play.';
    const log = head.log;
    session.rewind(head.turn - 1);
    bump();
    const mine = log?.parties.find((p) => p.party === scenario.parties[partyIndex]!.id);
    return `Undid ${log?.date ?? 'the last turn'}${mine?.moveLabel ? ` (“${mine.moveLabel}”)` : ''}: choose again.`;
  }, [scenario, session, partyIndex, startTurn]);

  const save = useCallback(() => {
    try {
      writeFile(savePath, `${JSON.stringify(saveSession(session), null, 2)}\n`);
    } catch (e) {
      return { ok: false as const, message: `Could not save: ${(e as Error).message}` };
    }
    savedHead.current = session.head.id;
    bump();
    return { ok: true as const, message: `Saved to ${savePath} (turn ${session.head.turn}).` };
  }, [session, savePath, writeFile]);

  const isDirty = useCallback(() => savedHead.current !== session.head.id, [session]);
  return { session, version, dirty: isDirty(), isDirty, play, undo, save };
}

/**
 * `wargame watch <save>`: the projector view of a session, in a second
 * terminal, following the live save read-only. The room sees the world and
 * the public record of the last turn, never a team's private entry (the save's
 * round in progress is not shown) nor what some party cannot see.
 */
import { watchFile, unwatchFile } from 'node:fs';
import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useState } from 'react';
import type { CompiledScenario, Session } from '@wargame/engine';
import { Footer } from '../Header.js';
import { Lines } from '../Lines.js';
import { truncate } from '../format.js';
import { useTerminalSize, type TerminalSize } from '../use-terminal-size.js';
import { initialConsole } from '../facilitate/console-state.js';
import { projectorLines } from '../facilitate/projector.js';
import { branchLabel } from '../facilitate/console-lines.js';
import { useCountdown } from '../use-countdown.js';
import type { PhaseTimer } from '../timer.js';

export interface WatchScreenProps {
  file: string;
  /** Reads the save (replayed and verified): the session, or why not. */
  read: () => { ok: true; scenario: CompiledScenario; session: Session; timer?: PhaseTimer | null } | { ok: false; message: string };
  /** How often the file is looked at, in milliseconds. */
  intervalMs?: number;
  size?: TerminalSize;
}

type Shown = { scenario: CompiledScenario; session: Session; timer: PhaseTimer | null };

export function WatchScreen(props: WatchScreenProps) {
  const { exit } = useApp();
  const size = useTerminalSize(props.size);
  const first = props.read();
  const [shown, setShown] = useState<Shown | null>(first.ok ? { scenario: first.scenario, session: first.session, timer: first.timer ?? null } : null);
  const [problem, setProblem] = useState<string | null>(first.ok ? null : first.message);
  useEffect(() => {
    // Polled, not fs.watch: the save is replaced by a rename on every write, which fs.watch loses on some systems.
    const onChange = () => {
      const r = props.read();
      if (r.ok) {
        setShown({ scenario: r.scenario, session: r.session, timer: r.timer ?? null });
        setProblem(null);
      } else setProblem(r.message); // the last good view stays on screen
    };
    watchFile(props.file, { interval: props.intervalMs ?? 500 }, onChange);
    return () => unwatchFile(props.file, onChange);
  }, [props.file, props.read, props.intervalMs]);
  useInput((input, key) => {
    if (input === 'q' || key.escape) exit();
  });
  // The facilitator's countdown, from the save: the room sees the time left beside the date.
  const clock = useCountdown(shown?.timer);
  const width = Math.max(40, size.columns);
  const height = Math.max(12, size.rows - 1);
  const bodyRows = height - 2;
  const status = problem ? `✖ ${problem}` : null;
  if (!shown)
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold>{truncate(` wargame watch ${props.file}`, width)}</Text>
        <Box height={bodyRows} />
        <Footer width={width} keys="waiting for a readable save · q quit" status={status} help={false} />
      </Box>
    );
  const f = { scenario: shown.scenario, session: shown.session, teams: [], targets: [], savePath: props.file, state: initialConsole({ ok: true }, undefined, props.file) };
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse wrap="truncate-end">{` Projector · ${shown.scenario.title} · ${branchLabel(shown.session)} · following ${props.file} `}</Text>
      <Box paddingLeft={1} width={width} height={bodyRows}>
        <Lines lines={projectorLines(f, width - 2, bodyRows, { publicOnly: true, clock })} height={bodyRows} width={width - 1} cut />
      </Box>
      <Footer width={width} keys="read-only: follows the save as the session goes on · q quit" status={status} help={false} />
    </Box>
  );
}

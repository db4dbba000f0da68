/**
 * `wargame replay --show <save>`: steps through a session turn by turn for
 * the room after a game or a workshop — ← → (or p n, Space) go back and on,
 * Home and End to the first and last turn, b to the next branch; the screen is
 * replay-lines.ts. Read-only: the save is replayed and verified before it opens.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useState } from 'react';
import type { CompiledScenario, Session } from '@wargame/engine';
import { Footer } from '../Header.js';
import { Lines } from '../Lines.js';
import { useTerminalSize, type TerminalSize } from '../use-terminal-size.js';
import { replayLines, replayTurns } from './replay-lines.js';

export interface ReplayScreenProps {
  scenario: CompiledScenario;
  session: Session;
  file: string;
  size?: TerminalSize;
}

export function ReplayScreen({ scenario, session, file, size: fixed }: ReplayScreenProps) {
  const { exit } = useApp();
  const size = useTerminalSize(fixed);
  const branches = session.branches();
  const [at, setAt] = useState(() => ({ branch: Math.max(0, branches.findIndex((b) => b.isHead)), index: 0, scroll: 0 }));
  const branch = branches[at.branch]!;
  const width = Math.max(40, size.columns);
  const height = Math.max(12, size.rows - 1);
  const bodyRows = height - 2;
  // Updates read the state they change (keys can arrive before React has drawn the last one).
  useInput((input, key) => {
    if (input === 'q' || key.escape) return exit();
    const turnsOf = (b: number) => replayTurns(session, branches[b]!.leaf).length;
    const go = (by: (index: number, count: number) => number) =>
      setAt((a) => ({ ...a, index: Math.max(0, Math.min(turnsOf(a.branch) - 1, by(a.index, turnsOf(a.branch)))), scroll: 0 }));
    if (key.rightArrow || input === 'n' || input === ' ' || key.return) return go((i) => i + 1);
    if (key.leftArrow || input === 'p') return go((i) => i - 1);
    if (key.home || input === 'g') return go(() => 0);
    if (key.end || input === 'G') return go((_, n) => n - 1);
    const page = bodyRows - 2;
    if (key.pageDown || key.downArrow || input === 'j') return setAt((a) => ({ ...a, scroll: a.scroll + (key.pageDown ? page : 1) }));
    if (key.pageUp || key.upArrow || input === 'k') return setAt((a) => ({ ...a, scroll: Math.max(0, a.scroll - (key.pageUp ? page : 1)) }));
    // The next branch, at the same turn where it has one.
    if (input === 'b' && branches.length > 1)
      setAt((a) => {
        const next = (a.branch + 1) % branches.length;
        return { branch: next, index: Math.max(0, Math.min(a.index, turnsOf(next) - 1)), scroll: 0 };
      });
  });
  const name = `branch ${at.branch + 1} of ${branches.length}${branch.name ? ` “${branch.name}”` : ''}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse wrap="truncate-end">{` Replay · ${scenario.title} · ${name} · ${file} `}</Text>
      <Box paddingLeft={1} width={width} height={bodyRows}>
        <Lines lines={replayLines(scenario, session, branch.leaf, at.index, width - 2)} offset={at.scroll} height={bodyRows} width={width - 1} />
      </Box>
      <Footer width={width} keys={`← → turn · Home End first/last${branches.length > 1 ? ' · b next branch' : ''} · ↑↓ scroll · q quit`} status={null} help={false} />
    </Box>
  );
}

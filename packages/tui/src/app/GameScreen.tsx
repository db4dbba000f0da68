/**
 * The game a student plays: a briefing each turn with the moves to choose
 * from, the explanation (w), help (?), undo (u), save (s), quit (q, asking
 * first if unsaved), and the debrief at the end.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useMemo, useRef, useState } from 'react';
import type { CompiledScenario, Session } from '@wargame/engine';
import { buildBriefing, goalsOf, offeredMoves } from './briefing-model.js';
import { buildDebrief, tallyOutcomes } from './debrief-model.js';
import { explainableParties, explainMove } from './explain-model.js';
import { Footer, Header } from './Header.js';
import { playLayout } from './layout.js';
import { Lines, LineView } from './Lines.js';
import { debriefLines, explainLines, goalsLines, helpLines, moveDetailLines, moveLine, newsLines, relationLines, worldLines, type Line } from './lines.js';
import { afterTurn, initialUi, reduceKey, TABS, type Tab, type UiState } from './ui-state.js';
import { useBackgroundBatch } from './use-background-batch.js';
import { gradeParty, interestUtilities, storyOf } from './grade.js';
import { usePlayGame } from './use-play-game.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';
import { turnName } from './turn-name.js';
import { comparisonOf } from './comparison.js';

export interface QuitSummary {
  saved: boolean;
  savePath: string;
  turn: number;
  /** The turn as people read it ("after turn 3 (2022-01)"). */
  at: string;
}

export interface GameScreenProps {
  scenario: CompiledScenario;
  session: Session;
  partyIndex: number;
  startTurn: number;
  seed: string;
  savePath: string;
  writeFile: (path: string, text: string) => void;
  /** Runs in the debrief's background batch (0: none). */
  backgroundRuns: number;
  /** The command that starts this game again, shown in the debrief. */
  replayCommand: string;
  /** Open on the player's goals (a new game). */
  introGoals?: boolean;
  size?: TerminalSize;
  onQuit?: (summary: QuitSummary) => void;
}

const TAB_TITLES: Record<Tab, string> = { world: 'World', news: 'News', relations: 'Relations' };

export function GameScreen(props: GameScreenProps) {
  const { scenario, partyIndex, startTurn } = props;
  const { exit } = useApp();
  const size = useTerminalSize(props.size);
  const game = usePlayGame({ scenario, session: props.session, partyIndex, startTurn, savePath: props.savePath, writeFile: props.writeFile });
  // A new game opens on the player's goals, so a student knows what they are trying to do.
  const [ui, setUi] = useState<UiState>(() => ({ ...initialUi(), ...(props.introGoals ? { overlay: 'goals' as const } : {}) }));
  // biome-ignore lint/correctness/useExhaustiveDependencies: the session is mutable; `game.version` is what says it changed
  const briefing = useMemo(() => buildBriefing(scenario, game.session, partyIndex, game.pending), [scenario, game.session, partyIndex, game.version, game.pending]);
  const layout = playLayout(size.columns, size.rows, briefing.moves.length);
  const parties = useMemo(() => explainableParties(scenario, partyIndex), [scenario, partyIndex]);
  const explained = parties[ui.explainParty] ?? parties[0];
  // biome-ignore lint/correctness/useExhaustiveDependencies: the session is mutable; `game.version` is what says it changed
  const explanation = useMemo(
    () => (ui.overlay === 'explain' && explained ? explainMove(scenario, game.session, explained.id) : null),
    [ui.overlay, explained, scenario, game.session, game.version],
  );
  const ended = briefing.ended;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the session is mutable; the comparison is taken once the game has ended
  const comparison = useMemo(() => comparisonOf(game.session), [game.session, ended]);
  const progress = useBackgroundBatch({ active: ended, scenario, params: game.session.params, seed: props.seed, runs: props.backgroundRuns, play: comparison.play, grade: { party: partyIndex } });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the session is mutable; `game.version` is what says it changed
  const debrief = useMemo(() => (ended ? buildDebrief(scenario, game.session, partyIndex, startTurn) : null), [ended, scenario, game.session, partyIndex, startTurn, game.version]);
  const frequencies = useMemo(
    () => (debrief && progress?.finished && !progress.error ? tallyOutcomes(scenario, progress.columns, Object.fromEntries(debrief.outcomes.map((o) => [o.id, o.result]))) : null),
    [debrief, progress, scenario],
  );
  // The grade against the computer playing the same party over the same runs, and the story of the game.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the session is mutable; `game.version` is what says it changed
  const grade = useMemo(() => {
    if (!ended || !progress?.finished || progress.error || progress.utilities.length === 0) return null;
    const took = game.session.stateOf(game.session.path()[Math.min(startTurn, game.session.path().length - 1)]!.id);
    return gradeParty(scenario, partyIndex, took.posture[partyIndex]!, interestUtilities(scenario, partyIndex, game.session.state), progress.utilities);
  }, [ended, progress, scenario, partyIndex, startTurn, game.version]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the session is mutable; `game.version` is what says it changed
  const story = useMemo(() => (ended ? storyOf(scenario, game.session, partyIndex, startTurn) : null), [ended, scenario, game.session, partyIndex, startTurn, game.version]);
  const width = layout.width;
  const inner = width - 2;

  const quit = (saved: boolean) => {
    props.onQuit?.({ saved, savePath: props.savePath, turn: game.session.head.turn, at: turnName(scenario, game.session.head.turn) });
    exit();
  };

  // Keys can arrive several to a chunk (a paste, a fast typist, tmux): each must see the state the previous one left,
  // so the handler reads the screen state from a ref and the game's facts from the session, not from the last render.
  const uiRef = useRef(ui);
  const update = (next: UiState) => {
    uiRef.current = next;
    setUi(next);
  };
  useInput((input, key) => {
    const current = uiRef.current;
    const state = game.session.state;
    const explainedNow = parties[current.explainParty] ?? parties[0];
    const { ui: next, command } = reduceKey(current, input, key, {
      ended: state.ended,
      moves: state.ended ? 0 : game.pending ? game.pending.options.length : offeredMoves(scenario, game.session, partyIndex).length,
      parties: parties.length,
      options: explainedNow ? (game.session.head.log?.parties.find((p) => p.party === explainedNow.id)?.reason.options?.length ?? 0) : 0,
      dirty: game.isDirty(),
      newsTurns: game.session.head.turn,
      page: Math.max(1, (current.overlay === 'none' && !state.ended ? layout.paneRows : layout.bodyRows) - 2),
    });
    if (!command) return update(next);
    switch (command.type) {
      case 'play':
        return update(afterTurn(next, game.play(command.move)));
      case 'undo':
        return update(afterTurn(next, game.undo()));
      case 'save':
        return update({ ...next, status: game.save().message });
      case 'save-and-quit': {
        const r = game.save();
        if (!r.ok) return update({ ...next, status: r.message });
        return quit(true);
      }
      case 'quit':
        return quit(!game.isDirty());
    }
  });

  const header = (
    <Header
      width={width}
      title={scenario.title}
      party={briefing.party.name}
      posture={briefing.party.posture}
      date={briefing.date}
      turn={briefing.turn}
      turns={briefing.turns}
      dirty={game.dirty}
      ended={ended}
    />
  );

  let body: React.ReactNode;
  let keys: string;
  if (ui.overlay === 'goals') {
    const party = scenario.parties[partyIndex]!;
    body = <Panel title={`Your goals as ${party.name}`} width={width} height={layout.bodyRows} lines={goalsLines(goalsOf(scenario, game.session.state, partyIndex), inner, party.name)} offset={ui.goalsScroll} />;
    keys = '↑↓ PgUp PgDn scroll · any other key closes your goals (g shows them again)';
  } else if (ui.overlay === 'help') {
    body = <Panel title="Help" width={width} height={layout.bodyRows} lines={helpLines(inner, props.savePath)} offset={0} />;
    keys = 'any key closes the help';
  } else if (ui.overlay === 'quit') {
    body = (
      <Box flexDirection="column" width={width} height={layout.bodyRows} justifyContent="center" alignItems="center">
        <Box borderStyle="round" flexDirection="column" paddingX={2}>
          <Text bold>Quit with unsaved turns?</Text>
          <Text>{`The game is now ${turnName(scenario, game.session.head.turn)} and has not been saved since.`}</Text>
          <Text>
            <Text bold color="yellow">y</Text> quit without saving · <Text bold color="yellow">s</Text> save to {props.savePath} and quit ·{' '}
            <Text bold color="yellow">n</Text>/Esc keep playing
          </Text>
        </Box>
      </Box>
    );
    keys = 'y quit · s save and quit · n keep playing';
  } else if (ui.overlay === 'explain') {
    const names = parties.map((p, i) => (i === ui.explainParty ? `[${p.name}]` : p.name)).join('  ');
    const lines: Line[] = [[{ text: '◀ ', bold: true }, { text: names }, { text: ' ▶', bold: true }], [], ...explainLines(explanation, inner, ui.explainOption, explained?.name ?? '')];
    body = <Panel title="Why did they do that?" width={width} height={layout.bodyRows} lines={lines} offset={ui.explainScroll} />;
    keys = '← → party · ↑↓ option · PgUp/PgDn scroll · Esc/w back';
  } else if (ended && debrief) {
    const lines = debriefLines(debrief, {
      width: inner,
      partyName: briefing.party.name,
      scenarioTitle: scenario.title,
      seed: props.seed,
      replay: props.replayCommand,
      frequencies,
      progress,
      runs: props.backgroundRuns,
      batchFrom: comparison.from,
      indicators: briefing.indicators,
      grade,
      story,
    });
    body = <Panel title="Debrief" width={width} height={layout.bodyRows} lines={lines} offset={ui.debriefScroll} />;
    keys = '↑↓ PgUp/PgDn scroll · u undo · s save · w why · q quit';
  } else {
    body = <Briefing ui={ui} briefing={briefing} layout={layout} scenario={scenario} />;
    keys = '↑↓ choose · ⏎ play · Tab view · g goals · w why · u undo · s save · q quit';
  }

  return (
    <Box flexDirection="column" width={width} height={layout.height}>
      {header}
      {body}
      <Footer width={width} keys={keys} status={ui.status} />
    </Box>
  );
}

function Panel({ title, width, height, lines, offset }: { title: string; width: number; height: number; lines: readonly Line[]; offset: number }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse wrap="truncate-end">{` ${title} `}</Text>
      <Box paddingLeft={1}>
        <Lines lines={lines} offset={offset} height={height - 1} width={width - 1} />
      </Box>
    </Box>
  );
}

export function Briefing({ ui, briefing, layout, scenario }: { ui: UiState; briefing: ReturnType<typeof buildBriefing>; layout: ReturnType<typeof playLayout>; scenario: CompiledScenario }) {
  const { width } = layout;
  const bounds = { min: scenario.relations.min, max: scenario.relations.max };
  const newsCount = briefing.lastTurn?.items.length ?? 0;
  // Bars and sparklines are sized to the pane they are drawn in (half the width when split), so labels keep room.
  const paneFor = (tab: Tab, w: number): Line[] => {
    const bar = Math.max(6, Math.min(layout.barWidth, Math.floor(w / 8)));
    const spark = Math.max(6, Math.min(layout.sparkWidth, Math.floor(w / 5)));
    return tab === 'world' ? worldLines(briefing, w, bar, spark) : tab === 'news' ? newsLines(briefing, w, ui.newsBack) : relationLines(briefing, w, bar, spark, bounds);
  };
  const focused = briefing.moves[Math.min(ui.moveCursor, briefing.moves.length - 1)];
  const first = Math.max(0, Math.min(ui.moveCursor - layout.moveRows + 1, briefing.moves.length - layout.moveRows));
  const visible = briefing.moves.slice(first, first + layout.moveRows);
  const more = briefing.moves.length - first - visible.length;

  let panes: React.ReactNode;
  if (layout.split) {
    const left = Math.floor((width - 1) / 2);
    const right = width - left - 1;
    const worldRows = Math.min(briefing.indicators.length + 1, layout.paneRows - 3);
    panes = (
      <Box width={width} height={layout.paneRows}>
        <Box flexDirection="column" width={left}>
          <Text bold inverse>{' World '}</Text>
          <Lines lines={paneFor('world', left - 1)} height={worldRows - 1} width={left - 1} offset={ui.scroll.world} />
          <Text bold inverse>{' Relations '}</Text>
          <Lines lines={paneFor('relations', left - 1)} height={layout.paneRows - worldRows - 1} width={left - 1} offset={ui.scroll.relations} />
        </Box>
        <Box width={1} />
        <Box flexDirection="column" width={right}>
          <Text bold inverse>{` News (${newsCount}) `}</Text>
          <Lines lines={paneFor('news', right - 1)} height={layout.paneRows - 1} width={right - 1} offset={ui.scroll.news} />
        </Box>
      </Box>
    );
  } else {
    panes = (
      <Box flexDirection="column" width={width}>
        <Text wrap="truncate-end">
          {TABS.map((t) => {
            const label = `${TAB_TITLES[t]}${t === 'news' ? ` (${newsCount})` : ''}`;
            return (
              <Text key={t} {...(ui.tab === t ? { inverse: true, bold: true } : { dimColor: true })}>
                {ui.tab === t ? ` [${label}] ` : `  ${label}  `}
              </Text>
            );
          })}
          <Text dimColor>{'  Tab switches'}</Text>
        </Text>
        <Box paddingLeft={1}>
          <Lines lines={paneFor(ui.tab, width - 1)} height={layout.paneRows} width={width - 1} offset={ui.scroll[ui.tab]} />
        </Box>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      {panes}
      <Text bold inverse wrap="truncate-end">
        {` Your move, ${briefing.party.name} — ${briefing.moves.length} option${briefing.moves.length === 1 ? '' : 's'}${more > 0 ? ` (↓ ${more} more)` : ''} `}
      </Text>
      <Box flexDirection="column" height={layout.moveRows} width={width}>
        {visible.map((m, i) => (
          <LineView key={m.id} line={moveLine(m, first + i, first + i === ui.moveCursor, width)} />
        ))}
      </Box>
      <Box paddingLeft={2}>
        <Lines lines={moveDetailLines(focused, width - 2)} height={layout.detailRows} width={width - 2} cut />
      </Box>
    </Box>
  );
}

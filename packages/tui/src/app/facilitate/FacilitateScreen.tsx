/**
 * The facilitator's console and the screens it opens: hot-seat hand-offs and
 * each team's private move, injects, rulings, rewind, fork, the branch tree,
 * notes, help and the projector view. The console's state and keys are a
 * reducer (console-state.ts) run by a hook (use-facilitator.ts); this
 * component draws them.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useMemo } from 'react';
import type { CompiledScenario, Session, TurnInputs } from '@wargame/engine';
import { buildBriefing, goalsOf } from '../briefing-model.js';
import { Briefing } from '../GameScreen.js';
import { Footer, Header } from '../Header.js';
import { playLayout } from '../layout.js';
import { Lines } from '../Lines.js';
import { goalsLines, type Line } from '../lines.js';
import { wrapText } from '../format.js';
import { useTerminalSize, type TerminalSize } from '../use-terminal-size.js';
import {
  branchLabel,
  branchTreeLines,
  consoleWorldLines,
  effectsEditorLines,
  eventListLines,
  facilitateHelpLines,
  headlineLines,
  nextTurnLines,
  partyListLines,
  revealLines,
  teamHelpLines,
  turnListLines,
  facilitatorWorld,
  type ConsoleView,
} from './console-lines.js';
import { chosenCount, type ConsoleState } from './console-state.js';
import { turnName } from '../turn-name.js';
import { useFacilitator } from './use-facilitator.js';
import { useCountdown } from '../use-countdown.js';
import type { PhaseTimer } from '../timer.js';
import { projectorLines } from './projector.js';

export interface FacilitateSummary {
  savePath: string;
  turn: number;
  /** The turn as people read it ("after turn 3 (2022-01)"). */
  at: string;
  hash: string;
  saved: boolean;
}

export interface FacilitateScreenProps {
  scenario: CompiledScenario;
  session: Session;
  /** Party indices played by teams at the keyboard. */
  teams: readonly number[];
  savePath: string;
  writeFile: (path: string, text: string) => void;
  /** A line shown once at the start (e.g. "Resumed from …"). */
  notice?: string;
  /** The round in progress in the resumed save. */
  pending?: TurnInputs;
  /** The countdown running when the resumed save was written. */
  timer?: PhaseTimer | null;
  size?: TerminalSize;
  onQuit?: (summary: FacilitateSummary) => void;
  /** For tests: told every new console state, to look at what the screen cannot show. */
  onState?: (state: ConsoleState) => void;
}

export function FacilitateScreen(props: FacilitateScreenProps) {
  const { scenario, session } = props;
  const { exit } = useApp();
  const size = useTerminalSize(props.size);
  const width = Math.max(40, size.columns);
  const height = Math.max(12, size.rows - 1);
  const bodyRows = height - 2;
  const fac = useFacilitator({
    scenario,
    session,
    teams: props.teams,
    savePath: props.savePath,
    writeSave: props.writeFile,
    ...(props.notice === undefined ? {} : { notice: props.notice }),
    ...(props.pending === undefined ? {} : { pending: props.pending }),
    ...(props.timer ? { timer: props.timer } : {}),
    page: Math.max(1, bodyRows - 4),
    onQuit: (saved) => {
      props.onQuit?.({ savePath: props.savePath, turn: session.head.turn, at: turnName(scenario, session.head.turn), hash: session.head.hash, saved });
      exit();
    },
    ...(props.onState ? { onState: props.onState } : {}),
  });
  useInput(fac.onInput);

  const c = fac.state;
  const clock = useCountdown(c.timer);
  const f: ConsoleView = { ...fac.setup, session, state: c };
  const state = session.state;
  const turnNo = state.ended ? state.turn : state.turn + 1;
  // The team's briefing (its menu is the turn's decision context, with what is staged) is built once per team and answer, not per key.
  const round = c.round;
  const teamAt = (c.mode.kind === 'team' || c.mode.kind === 'confirm') && round ? (round.teams[c.mode.team] ?? -1) : -1;
  const teamBriefing = useMemo(() => {
    if (teamAt < 0 || !round) return null;
    const b = buildBriefing(scenario, session, teamAt, round.answering, c.staged.inject.length > 0 ? { inject: [...c.staged.inject] } : {});
    // Teams do not see which move is on the record unless the facilitator shows it (h): a workshop is about their choice.
    return c.showRecord ? b : { ...b, moves: b.moves.map((m) => ({ ...m, onRecord: false })) };
  }, [scenario, session, teamAt, round, c.staged.inject, c.showRecord]);
  const briefingDate = useMemo(() => facilitatorWorld(scenario, session).date, [scenario, session, session.head.id]);
  const mode = c.mode;
  const header = (title: string, who: string, sub: string) => (
    <Header width={width} title={title} party={who} posture={sub} date={briefingDate} turn={turnNo} turns={scenario.calendar.turns} dirty={c.saveFailed} ended={state.ended} clock={clock} />
  );
  const consoleHeader = header(scenario.title, 'Facilitator', branchLabel(session));

  const panel = (title: string, lines: readonly Line[], offset = 0, rows = bodyRows) => (
    <Box flexDirection="column" width={width} height={rows}>
      <Text bold inverse wrap="truncate-end">{` ${title} `}</Text>
      <Box paddingLeft={1}>
        <Lines lines={lines} offset={offset} height={rows - 1} width={width - 1} />
      </Box>
    </Box>
  );
  // `help`: whether ? opens a help here (the footer names it only then).
  const frame = (top: React.ReactNode, body: React.ReactNode, keys: string, help = true) => (
    <Box flexDirection="column" width={width} height={height}>
      {top}
      {body}
      <Footer width={width} keys={keys} status={c.status} help={help} />
    </Box>
  );
  const inner = width - 2;
  /** A one-line text the facilitator types, with what it is for. */
  const prompt = (title: string, label: string, text: string, hints: readonly string[], keys: string) =>
    frame(consoleHeader, panel(title, [[{ text: `${label}: `, bold: true }, { text: `${text}▌`, color: 'yellow' }], [], ...hints.flatMap((h) => wrapText(h, inner - 1).map((t): Line => [{ text: t, dim: true }]))]), keys);

  switch (mode.kind) {
    case 'help':
      return frame(consoleHeader, panel('Help', facilitateHelpLines(f, inner), mode.scroll ?? 0), '↑↓ PgUp PgDn scroll · any other key closes the help');
    case 'quit':
      return frame(
        consoleHeader,
        <Box flexDirection="column" width={width} height={bodyRows} justifyContent="center" alignItems="center">
          <Box borderStyle="round" flexDirection="column" paddingX={2} width={Math.min(width, 76)}>
            <Text bold>End the session?</Text>
            <Text wrap="wrap">{`It is saved in ${props.savePath}, ${turnName(scenario, session.head.turn)}.`}</Text>
            <Text wrap="wrap">{`Resume it with: wargame facilitate --resume ${props.savePath}`}</Text>
            <Text>
              <Text bold color="yellow">y</Text> quit · <Text bold color="yellow">n</Text>/Esc keep going
            </Text>
          </Box>
        </Box>,
        'y quit · n keep going',
      );
    case 'handoff': {
      const party = scenario.parties[round!.teams[mode.team]!]!;
      return frame(
        header(scenario.title, 'Hot seat', `team ${mode.team + 1} of ${round!.teams.length}`),
        <Box flexDirection="column" width={width} height={bodyRows} justifyContent="center" alignItems="center">
          <Box borderStyle="double" flexDirection="column" paddingX={3} paddingY={1} alignItems="center">
            <Text bold>{`Pass the keyboard to ${party.name}`}</Text>
            <Text> </Text>
            <Text>{`${party.name}: press Enter when only your team is looking.`}</Text>
            <Text dimColor>{`Team ${mode.team + 1} of ${round!.teams.length} · ${chosenCount(c)} chosen, kept secret until the turn resolves`}</Text>
          </Box>
        </Box>,
        `${party.name}: Enter when ready · Esc (facilitator) cancels the turn`,
      );
    }
    case 'team': {
      // The team chooses among the moves of the world the turn is decided in (after its events, the staged injects and posture changes), or answers a message.
      const briefing = teamBriefing!;
      const party = scenario.parties[teamAt]!;
      const layout = playLayout(size.columns, size.rows, briefing.moves.length);
      const teamHeader = (
        <Header width={width} title={scenario.title} party={`Team ${briefing.party.name}`} posture={briefing.party.posture} date={briefing.date} turn={briefing.turn} turns={briefing.turns} dirty={false} ended={false} clock={clock} />
      );
      if (c.teamUi.overlay === 'goals' && round)
        return frame(
          teamHeader,
          panel(`Your goals as ${party.name}`, goalsLines(goalsOf(scenario, round.context.world, teamAt), inner, party.name), c.teamUi.goalsScroll),
          '↑↓ PgUp PgDn scroll · any other key closes your goals',
        );
      if (c.teamUi.overlay === 'help')
        return frame(
          teamHeader,
          panel(`Keys for team ${party.name}`, teamHelpLines()),
          'any key closes the help',
        );
      return frame(
        teamHeader,
        <Briefing ui={c.teamUi} briefing={briefing} layout={layout} scenario={scenario} />,
        `${party.name}: ↑↓ or 1…9 choose · ⏎ choose (then confirm) · Tab view · g goals · ? help · Esc back`,
      );
    }
    case 'confirm': {
      // The team sees what it picked before it counts: Enter confirms, Esc goes back to its moves.
      const briefing = teamBriefing!;
      const party = scenario.parties[teamAt]!;
      const picked = briefing.moves[mode.choice];
      const answering = round?.answering;
      const lines: Line[] = [
        [{ text: answering ? `Your answer to ${scenario.parties.find((p) => p.id === answering.from)?.name ?? answering.from}'s ${answering.kind} “${answering.label}”:` : 'Your move this turn:', bold: true }],
        [],
        ...wrapText(picked?.label ?? '—', inner - 3).map((t): Line => [{ text: `  ${t}`, bold: true, color: 'yellow' }]),
        ...(picked?.chance === undefined ? [] : [[{ text: `  ${Math.round(picked.chance * 100)}% chance of success`, dim: true }] as Line]),
        ...wrapText(`if it works: ${picked?.effects.join(', ') || 'no direct effect'}`, inner - 3).map((t): Line => [{ text: `  ${t}`, color: 'cyan' }]),
        ...(picked && picked.failure.length > 0 ? wrapText(`if it fails: ${picked.failure.join(', ')}`, inner - 3).map((t): Line => [{ text: `  ${t}`, dim: true }]) : []),
        [],
        ...wrapText('Enter confirms it (it stays secret until the reveal) · Esc goes back to your moves', inner - 1).map((t): Line => [{ text: t, dim: true }]),
      ];
      return frame(
        <Header width={width} title={scenario.title} party={`Team ${party.name}`} posture={briefing.party.posture} date={briefing.date} turn={briefing.turn} turns={briefing.turns} dirty={false} ended={false} clock={clock} />,
        panel(`Confirm, ${party.name}`, lines),
        `${party.name}: ⏎ confirm · Esc back to your moves`,
        false,
      );
    }
    case 'reveal':
      return frame(
        header(scenario.title, 'Reveal', `${round?.teams.length ?? 0} team${round?.teams.length === 1 ? '' : 's'} chose`),
        panel(`Every move of turn ${turnNo} (${round?.context.date ?? ''}) — rule on any before it resolves`, revealLines(f, mode.cursor, inner, bodyRows - 1)),
        '↑↓ party · s success · f failure · e amounts · d no ruling · c change a team’s choice · ⏎ resolve · x cancel',
      );
    case 'inject-menu':
      return frame(
        consoleHeader,
        panel('Inject an event into the next turn', [
          [{ text: mode.cursor === 0 ? '❯ ' : '  ', color: 'yellow', bold: true }, { text: 'e  an event from the scenario', bold: mode.cursor === 0 }],
          [{ text: mode.cursor === 1 ? '❯ ' : '  ', color: 'yellow', bold: true }, { text: 'w  write one: a headline and its effects on the indicators', bold: mode.cursor === 1 }],
          [],
          [{ text: 'An injected event fires at the start of the next turn, after the scheduled and random ones.', dim: true }],
        ]),
        '↑↓ choose · ⏎ select · e event · w write · Esc back',
      );
    case 'inject-event':
      return frame(consoleHeader, panel(`Scenario events (${scenario.events.length})`, eventListLines(f, mode.cursor, inner, bodyRows - 1)), '↑↓ choose · ⏎ inject into the next turn · Esc back');
    case 'custom-label':
      return prompt('Write an event — 1/2 its headline', 'Headline', mode.text, ['e.g. "Border clash near Sotk". The id is made from it. Enter goes on to the effects.'], 'type the headline · ⏎ next · Esc back');
    case 'custom-effects':
      return frame(
        consoleHeader,
        panel(`Write an event — 2/2 effects of “${mode.label}”`, effectsEditorLines(f, mode.editor, inner, bodyRows - 1)),
        'letters find · ↑↓ target · type +5 -3 or =40 · ⌫ erase · ⏎ stage the event · Esc back',
      );
    case 'adjudicate-party':
      return frame(consoleHeader, panel("Adjudicate: whose move's result do you rule on?", partyListLines(f, mode.cursor, inner)), '↑↓ choose · ⏎ write the ruling · Esc back');
    case 'adjudicate-effects': {
      const party = scenario.parties[mode.party]!;
      return frame(
        consoleHeader,
        panel(`Ruling: ${party.name}'s move this turn has these effects instead of its own`, effectsEditorLines(f, mode.editor, inner, bodyRows - 1)),
        'letters find · ↑↓ target · type +5 -3 or =40 · ⌫ erase · ⏎ stage (none: clear) · Esc back',
      );
    }
    case 'turns':
      return frame(
        consoleHeader,
        panel(
          mode.purpose === 'rewind' ? 'Rewind to… (the later turns stay, as a branch)' : 'Fork a what-if from… (the old branch stays)',
          turnListLines(f, mode.cursor, inner, bodyRows - 1),
        ),
        `↑↓ choose · ⏎ ${mode.purpose} here · Esc back`,
      );
    case 'branches':
      return frame(consoleHeader, panel(`Branches (${session.branches().length})`, branchTreeLines(f, mode.cursor, inner, bodyRows - 1)), '↑↓ choose · ⏎ switch to this branch · n name it · Esc back');
    case 'fast':
      return prompt(
        'Fast months',
        'Turns to play',
        mode.text,
        [
          'The record plays these turns while it lasts (every party’s recorded move), then the computer plays every party, the teams’ too.',
          'So the session spends its time on the decision turns. Each turn is saved as usual and can be rewound.',
        ],
        'type a number · ⏎ play them · Esc cancel',
      );
    case 'branch-name':
      return prompt(`Name branch ${mode.branch + 1}`, 'Name', mode.text, ['Kept with the branch for the rest of the session, in the save and the report. An empty name clears it.'], 'type the name · ⏎ keep · Esc back to the branches');
    case 'timer':
      return prompt(
        'Timer for this phase',
        'Minutes',
        mode.text,
        [
          'e.g. "5" or "10 negotiations": a countdown on the console, on every team’s screen and on the projector (v, wargame watch). Empty clears it.',
          'The clock is the screens’ only: the game itself never waits for it.',
        ],
        'type minutes (and what for) · ⏎ start · Esc cancel',
      );
    case 'annotate':
      return frame(
        consoleHeader,
        panel(`Note on ${turnName(scenario, session.head.turn)}`, [
          ...mode.text.split('\n').map((text, i, all): Line => [{ text: i === 0 ? 'Note: ' : '      ', bold: true }, { text: `${text}${i === all.length - 1 ? '▌' : ''}`, color: 'yellow' }]),
          [],
          [{ text: 'Kept with this turn in the save. An empty note clears it.', dim: true }],
        ]),
        'type the note · ⏎ keep · Esc cancel',
      );
    case 'console':
      break;
  }

  if (c.projector)
    return frame(
      consoleHeader,
      <Box paddingLeft={1} width={width} height={bodyRows}>
        <Lines lines={projectorLines(f, inner, bodyRows, { clock })} height={bodyRows} width={width - 1} cut />
      </Box>,
      'v console · Enter next turn · p pause · ? help',
    );

  const next = nextTurnLines(f, inner);
  const nextRows = Math.min(next.length, Math.max(2, Math.floor(bodyRows / 4)));
  const world = consoleWorldLines(f, width >= 120 ? Math.floor(width / 2) - 2 : inner);
  const news = headlineLines(f, width >= 120 ? Math.floor(width / 2) - 2 : inner);
  const newsTitle = session.head.log ? `Last turn — ${session.head.log.date}` : 'Last turn';
  let top: React.ReactNode;
  if (width >= 120) {
    const left = Math.floor(width / 2);
    const rows = bodyRows - nextRows - 1;
    top = (
      <Box width={width} height={rows}>
        <Box flexDirection="column" width={left}>
          <Text bold inverse>{' World '}</Text>
          <Box paddingLeft={1}>
            <Lines lines={world} height={rows - 1} width={left - 2} />
          </Box>
        </Box>
        <Box flexDirection="column" width={width - left}>
          <Text bold inverse>{` ${newsTitle} `}</Text>
          <Box paddingLeft={1}>
            <Lines lines={news} offset={c.newsScroll} height={rows - 1} width={width - left - 1} />
          </Box>
        </Box>
      </Box>
    );
  } else {
    const worldRows = Math.min(world.length, Math.max(3, Math.floor(bodyRows * 0.45)));
    const newsRows = Math.max(2, bodyRows - worldRows - 1 - nextRows - 1 - 1);
    top = (
      <>
        <Text bold inverse wrap="truncate-end">{' World '}</Text>
        <Box paddingLeft={1}>
          <Lines lines={world} height={worldRows} width={width - 1} />
        </Box>
        <Text bold inverse wrap="truncate-end">{` ${newsTitle} `}</Text>
        <Box paddingLeft={1}>
          <Lines lines={news} offset={c.newsScroll} height={newsRows} width={width - 1} />
        </Box>
      </>
    );
  }
  return frame(
    consoleHeader,
    <Box flexDirection="column" width={width} height={bodyRows}>
      {top}
      <Text bold inverse wrap="truncate-end">{` Next turn (${turnNo}) `}</Text>
      <Box paddingLeft={1}>
        <Lines lines={next} height={nextRows} width={width - 1} cut />
      </Box>
    </Box>,
    state.ended ? 'r rewind · f fork · b branches · w note · v projector · q quit' : '⏎ play turn · m fast months · i inject · a adjudicate · t timer · w note · r rewind · f fork · b branches · p pause · v projector · q quit',
  );
}

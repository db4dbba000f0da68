/**
 * `wargame play`: the picker (scenario → party → start date) for whatever the
 * command line left open, then the game.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { Select } from '@inkjs/ui';
import { useEffect, useState } from 'react';
import type { CompiledScenario } from '@wargame/engine';
import { truncate } from './format.js';
import { ScenarioSelect } from './ScenarioSelect.js';
import { GameScreen, type QuitSummary } from './GameScreen.js';
import { createPlaySession, startDates, type PlaySetup } from './play-setup.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';

export interface CatalogEntry {
  id: string;
  title: string;
}

export interface PlayAppProps {
  /** Shipped scenarios, for the picker. */
  catalog: readonly CatalogEntry[];
  loadScenario: (id: string) => { ok: true; scenario: CompiledScenario } | { ok: false; message: string };
  /** What the command line settled. */
  scenario?: CompiledScenario;
  partyIndex?: number;
  /** The start month (absolute); asked for when the party is picked here. */
  from?: number;
  seed: string;
  savePath: (scenario: CompiledScenario, partyId: string) => string;
  writeFile: (path: string, text: string) => void;
  backgroundRuns: number;
  replayCommand: (scenario: CompiledScenario, partyId: string, from: number) => string;
  size?: TerminalSize;
  onQuit?: (summary: QuitSummary) => void;
}

type Step =
  | { kind: 'scenario' }
  | { kind: 'loading'; id: string }
  | { kind: 'party'; scenario: CompiledScenario }
  | { kind: 'date'; scenario: CompiledScenario; partyIndex: number }
  | { kind: 'starting'; scenario: CompiledScenario; partyIndex: number; from: number }
  | { kind: 'game'; scenario: CompiledScenario; partyIndex: number; from: number; setup: PlaySetup }
  | { kind: 'error'; message: string };

function firstStep(props: PlayAppProps): Step {
  if (!props.scenario) return { kind: 'scenario' };
  if (props.partyIndex === undefined) return { kind: 'party', scenario: props.scenario };
  return { kind: 'starting', scenario: props.scenario, partyIndex: props.partyIndex, from: props.from ?? props.scenario.calendar.start };
}

export function PlayApp(props: PlayAppProps) {
  const { exit } = useApp();
  const size = useTerminalSize(props.size);
  const [step, setStep] = useState<Step>(() => firstStep(props));
  const width = Math.max(40, size.columns);
  const height = Math.max(12, size.rows - 1);

  // Loading and following history take a moment: the step shows first, the work runs after the frame.
  useEffect(() => {
    if (step.kind === 'loading') {
      const t = setTimeout(() => {
        const r = props.loadScenario(step.id);
        setStep(r.ok ? { kind: 'party', scenario: r.scenario } : { kind: 'error', message: r.message });
      }, 0);
      return () => clearTimeout(t);
    }
    if (step.kind === 'starting') {
      const t = setTimeout(() => {
        const r = createPlaySession(step.scenario, { seed: props.seed, from: step.from });
        setStep(r.ok ? { ...step, kind: 'game', setup: r.value } : { kind: 'error', message: r.message });
      }, 0);
      return () => clearTimeout(t);
    }
    return undefined;
  }, [step, props]);

  useInput(
    (input, key) => {
      if (input === 'q' || (key.escape && (step.kind === 'scenario' || step.kind === 'error'))) return exit();
      if (key.escape && step.kind === 'party' && !props.scenario) return setStep({ kind: 'scenario' });
      if (key.escape && step.kind === 'date') return setStep({ kind: 'party', scenario: step.scenario });
    },
    { isActive: step.kind !== 'game' },
  );

  if (step.kind === 'game')
    return (
      <GameScreen
        scenario={step.scenario}
        session={step.setup.session}
        partyIndex={step.partyIndex}
        startTurn={step.setup.startTurn}
        seed={props.seed}
        savePath={props.savePath(step.scenario, step.scenario.parties[step.partyIndex]!.id)}
        writeFile={props.writeFile}
        backgroundRuns={props.backgroundRuns}
        replayCommand={props.replayCommand(step.scenario, step.scenario.parties[step.partyIndex]!.id, step.from)}
        {...(props.size ? { size: props.size } : {})}
        {...(props.onQuit ? { onQuit: props.onQuit } : {})}
      />
    );

  const visible = Math.max(3, height - 6);
  let title: string;
  let body: React.ReactNode;
  switch (step.kind) {
    case 'scenario':
      title = 'Choose a scenario';
      body = <ScenarioSelect catalog={props.catalog} width={width} visible={visible} onChoose={(id) => setStep({ kind: 'loading', id })} />;
      break;
    case 'loading':
      title = 'Choose a scenario';
      body = <Text>{`Loading ${step.id}…`}</Text>;
      break;
    case 'party':
      title = `choose your party · ${step.scenario.title}`;
      body = (
        <Select
          key="party"
          visibleOptionCount={Math.min(visible, step.scenario.parties.length)}
          options={step.scenario.parties.map((p) => ({ value: String(p.index), label: truncate(`${p.name} — ${p.seat}`, width - 6) }))}
          onChange={(v) => {
            const partyIndex = Number(v);
            const dates = startDates(step.scenario);
            if (props.from !== undefined || dates.length <= 1) setStep({ kind: 'starting', scenario: step.scenario, partyIndex, from: props.from ?? step.scenario.calendar.start });
            else setStep({ kind: 'date', scenario: step.scenario, partyIndex });
          }}
        />
      );
      break;
    case 'date': {
      const dates = startDates(step.scenario);
      title = `choose when to take over as ${step.scenario.parties[step.partyIndex]!.name} · ${step.scenario.title}`;
      body = (
        <Select
          key="date"
          visibleOptionCount={Math.min(visible, dates.length)}
          options={dates.map((d) => ({ value: String(d.month), label: truncate(`${d.date}  ${d.label}`, width - 6) }))}
          onChange={(v) => setStep({ kind: 'starting', scenario: step.scenario, partyIndex: step.partyIndex, from: Number(v) })}
        />
      );
      break;
    }
    case 'starting':
      title = 'Starting';
      body = <Text>{`Setting up ${step.scenario.id} at ${step.scenario.parties[step.partyIndex]!.name}'s first turn…`}</Text>;
      break;
    case 'error':
      title = 'Cannot start';
      body = <Text color="red">{`✖ ${step.message}`}</Text>;
      break;
  }
  const hint =
    step.kind === 'error' ? 'q quit' : step.kind === 'scenario' ? '↑↓ choose · ⏎ select · q quit' : '↑↓ choose · ⏎ select · Esc back · q quit';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse wrap="truncate-end">{` wargame play — ${title} `}</Text>
      <Box flexDirection="column" paddingX={1} paddingY={1} flexGrow={1}>
        {body}
      </Box>
      <Text dimColor wrap="truncate-end">{hint}</Text>
    </Box>
  );
}

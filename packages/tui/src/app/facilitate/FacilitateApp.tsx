/**
 * `wargame facilitate`: picks what the command line left open (the scenario,
 * then the teams at the keyboard), then runs the facilitator's console.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { MultiSelect, Select } from '@inkjs/ui';
import { useEffect, useState } from 'react';
import { Session, type CompiledScenario } from '@wargame/engine';
import { truncate } from '../format.js';
import { ScenarioSelect } from '../ScenarioSelect.js';
import type { CatalogEntry } from '../PlayApp.js';
import { useTerminalSize, type TerminalSize } from '../use-terminal-size.js';
import { FacilitateScreen, type FacilitateSummary } from './FacilitateScreen.js';

export interface FacilitateAppProps {
  catalog: readonly CatalogEntry[];
  loadScenario: (id: string) => { ok: true; scenario: CompiledScenario } | { ok: false; message: string };
  scenario?: CompiledScenario;
  /** A session to go on with (resumed from a save). */
  session?: Session;
  /** Party indices played by teams; asked for when not given. */
  teams?: readonly number[];
  seed: string;
  savePath: (scenario: CompiledScenario) => string;
  writeFile: (path: string, text: string) => void;
  notice?: string;
  size?: TerminalSize;
  onQuit?: (summary: FacilitateSummary) => void;
}

type Step =
  | { kind: 'scenario' }
  | { kind: 'loading'; id: string }
  | { kind: 'teams'; scenario: CompiledScenario }
  | { kind: 'run'; scenario: CompiledScenario; session: Session; teams: readonly number[] }
  | { kind: 'error'; message: string };

function firstStep(props: FacilitateAppProps): Step {
  if (!props.scenario) return { kind: 'scenario' };
  if (!props.teams) return { kind: 'teams', scenario: props.scenario };
  return start(props.scenario, props.session, props.teams, props.seed);
}

function start(scenario: CompiledScenario, session: Session | undefined, teams: readonly number[], seed: string): Step {
  if (session) return { kind: 'run', scenario, session, teams };
  const r = Session.create(scenario, { seed });
  return r.ok ? { kind: 'run', scenario, session: r.session, teams } : { kind: 'error', message: r.error.message };
}

export function FacilitateApp(props: FacilitateAppProps) {
  const { exit } = useApp();
  const size = useTerminalSize(props.size);
  const [step, setStep] = useState<Step>(() => firstStep(props));
  const width = Math.max(40, size.columns);
  const height = Math.max(12, size.rows - 1);

  useEffect(() => {
    if (step.kind !== 'loading') return undefined;
    const t = setTimeout(() => {
      const r = props.loadScenario(step.id);
      setStep(r.ok ? { kind: 'teams', scenario: r.scenario } : { kind: 'error', message: r.message });
    }, 0);
    return () => clearTimeout(t);
  }, [step, props]);

  useInput(
    (input, key) => {
      if (input === 'q' || (key.escape && (step.kind === 'scenario' || step.kind === 'error'))) return exit();
      if (key.escape && step.kind === 'teams' && !props.scenario) return setStep({ kind: 'scenario' });
    },
    { isActive: step.kind !== 'run' },
  );

  if (step.kind === 'run')
    return (
      <FacilitateScreen
        scenario={step.scenario}
        session={step.session}
        teams={step.teams}
        savePath={props.savePath(step.scenario)}
        writeFile={props.writeFile}
        {...(props.notice ? { notice: props.notice } : {})}
        {...(props.size ? { size: props.size } : {})}
        {...(props.onQuit ? { onQuit: props.onQuit } : {})}
      />
    );

  const visible = Math.max(3, height - 7);
  let title: string;
  let body: React.ReactNode;
  let hint = '↑↓ choose · ⏎ select · q quit';
  switch (step.kind) {
    case 'scenario':
      title = 'choose a scenario';
      body = <ScenarioSelect catalog={props.catalog} width={width} visible={visible} onChoose={(id) => setStep({ kind: 'loading', id })} />;
      break;
    case 'loading':
      title = 'choose a scenario';
      body = <Text>{`Loading ${step.id}…`}</Text>;
      break;
    case 'teams':
      title = `teams at the keyboard · ${step.scenario.title}`;
      hint = '↑↓ move · Space add/remove a team · ⏎ start (none: the computer plays all) · Esc back';
      body = (
        <Box flexDirection="column">
          <Text dimColor>The computer plays every party without a team.</Text>
          <MultiSelect
            visibleOptionCount={Math.min(visible, step.scenario.parties.length)}
            options={step.scenario.parties.map((p) => ({ value: String(p.index), label: truncate(`${p.name} — ${p.seat}`, width - 8) }))}
            onSubmit={(values) => setStep(start(step.scenario, props.session, values.map(Number).sort((a, b) => a - b), props.seed))}
          />
        </Box>
      );
      break;
    case 'error':
      title = 'cannot start';
      hint = 'q quit';
      body = <Text color="red">{`✖ ${step.message}`}</Text>;
      break;
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse wrap="truncate-end">{` wargame facilitate — ${title} `}</Text>
      <Box flexDirection="column" paddingX={1} paddingY={1} flexGrow={1}>
        {body}
      </Box>
      <Text dimColor wrap="truncate-end">{hint}</Text>
    </Box>
  );
}

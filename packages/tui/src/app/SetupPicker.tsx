/**
 * The picker play and facilitate share: whatever the command line left open
 * of scenario → who plays (one party, or the teams at the keyboard) → start
 * date on the history track, then the set-up, then the app itself. Esc goes
 * back a step (never past what the command line settled); q quits.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { MultiSelect, Select } from '@inkjs/ui';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { CompiledScenario } from '@wargame/engine';
import { truncate } from './format.js';
import { startDates, type Checked } from './play-setup.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';

export interface CatalogEntry {
  id: string;
  title: string;
}

/** What the picker settled. */
export interface Picked {
  scenario: CompiledScenario;
  /** Party indices: the player's one party, or the teams (none: the computer plays all). */
  parties: readonly number[];
  /** The start month (absolute). */
  from: number;
}

export interface SetupPickerProps<T> {
  /** The command in the title bar: `wargame play`, `wargame facilitate`. */
  command: string;
  /** Shipped scenarios, for the picker. */
  catalog: readonly CatalogEntry[];
  loadScenario: (id: string) => { ok: true; scenario: CompiledScenario } | { ok: false; message: string };
  /** What the command line settled. */
  scenario?: CompiledScenario;
  parties?: readonly number[];
  from?: number;
  /** `party`: one party plays; `teams`: any set of teams. A start date is asked when who plays is picked here. */
  who: 'party' | 'teams';
  /** Sets the game up from what was picked: a message on failure. */
  start: (picked: Picked) => Checked<T>;
  /** Runs `start` after a frame saying so (it takes a moment, e.g. following history). */
  deferStart?: boolean;
  size?: TerminalSize;
  /** The app, once set up. */
  children: (ready: T, picked: Picked) => ReactNode;
}

type Step<T> =
  | { kind: 'scenario' }
  | { kind: 'loading'; id: string }
  | { kind: 'who'; scenario: CompiledScenario }
  | { kind: 'date'; scenario: CompiledScenario; parties: readonly number[] }
  | { kind: 'starting'; picked: Picked }
  | { kind: 'ready'; picked: Picked; value: T }
  | { kind: 'error'; message: string };

function setUp<T>(props: SetupPickerProps<T>, picked: Picked): Step<T> {
  const r = props.start(picked);
  return r.ok ? { kind: 'ready', picked, value: r.value } : { kind: 'error', message: r.message };
}

function starting<T>(props: SetupPickerProps<T>, picked: Picked): Step<T> {
  return props.deferStart ? { kind: 'starting', picked } : setUp(props, picked);
}

/** The step once the scenario is known and who plays is chosen (here, or on the command line). */
function afterWho<T>(props: SetupPickerProps<T>, scenario: CompiledScenario, parties: readonly number[], pickedHere: boolean): Step<T> {
  // A start date is asked once who plays was picked here (the command line gives --from, or starts at the beginning).
  if (pickedHere && props.from === undefined && startDates(scenario).length > 1) return { kind: 'date', scenario, parties };
  return starting(props, { scenario, parties, from: props.from ?? scenario.calendar.start });
}

function afterScenario<T>(props: SetupPickerProps<T>, scenario: CompiledScenario): Step<T> {
  return props.parties ? afterWho(props, scenario, props.parties, false) : { kind: 'who', scenario };
}

/** Where Esc goes from a step: null where it does not go back (the scenario list quits; a scenario from the command line stays). */
function backFrom<T>(props: SetupPickerProps<T>, step: Step<T>): Step<T> | null {
  if (step.kind === 'who') return props.scenario ? null : { kind: 'scenario' };
  if (step.kind === 'date') return { kind: 'who', scenario: step.scenario };
  return null;
}

export function SetupPicker<T>(props: SetupPickerProps<T>) {
  const { exit } = useApp();
  const size = useTerminalSize(props.size);
  const width = Math.max(40, size.columns);
  const height = Math.max(12, size.rows - 1);
  const [step, setStep] = useState<Step<T>>(() => (props.scenario ? afterScenario(props, props.scenario) : { kind: 'scenario' }));
  const latest = useRef(props);
  latest.current = props;

  // Loading and setting up take a moment: the step shows first, the work runs after the frame.
  useEffect(() => {
    if (step.kind !== 'loading' && step.kind !== 'starting') return undefined;
    const t = setTimeout(() => {
      const p = latest.current;
      if (step.kind === 'starting') return setStep(setUp(p, step.picked));
      const r = p.loadScenario(step.id);
      setStep(r.ok ? afterScenario(p, r.scenario) : { kind: 'error', message: r.message });
    }, 0);
    return () => clearTimeout(t);
  }, [step]);

  useInput(
    (input, key) => {
      if (input === 'q' || (key.escape && (step.kind === 'scenario' || step.kind === 'error'))) return exit();
      const previous = key.escape ? backFrom(props, step) : null;
      if (previous) setStep(previous);
    },
    { isActive: step.kind !== 'ready' },
  );

  if (step.kind === 'ready') return <>{props.children(step.value, step.picked)}</>;

  const rows = Math.max(3, height - 6);
  const escBack = backFrom(props, step) !== null ? ' · Esc back' : '';
  let title: string;
  let body: ReactNode;
  let hint = `↑↓ choose · ⏎ select${escBack} · q quit`;
  switch (step.kind) {
    case 'scenario':
    case 'loading':
      title = 'Choose a scenario';
      body =
        step.kind === 'loading' ? (
          <Text>{`Loading ${step.id}…`}</Text>
        ) : (
          <Select
            key="scenario"
            visibleOptionCount={Math.min(rows, props.catalog.length)}
            options={props.catalog.map((c) => ({ value: c.id, label: truncate(c.title ? `${c.id} — ${c.title}` : c.id, width - 6) }))}
            onChange={(id) => setStep({ kind: 'loading', id })}
          />
        );
      break;
    case 'who': {
      const scenario = step.scenario;
      const options = scenario.parties.map((p) => ({ value: String(p.index), label: truncate(`${p.name} — ${p.seat}`, width - 8) }));
      if (props.who === 'party') {
        title = `choose your party · ${scenario.title}`;
        body = (
          <Select
            key="party"
            visibleOptionCount={Math.min(rows, options.length)}
            options={options}
            onChange={(v) => setStep(afterWho(props, scenario, [Number(v)], true))}
          />
        );
      } else {
        title = `teams at the keyboard · ${scenario.title}`;
        hint = `↑↓ move · Space add/remove a team · ⏎ start${escBack} · q quit`;
        body = (
          <Box flexDirection="column">
            <Text dimColor>The computer plays every party without a team.</Text>
            <MultiSelect
              key="teams"
              visibleOptionCount={Math.min(rows - 1, options.length)}
              options={options}
              onSubmit={(values) =>
                setStep(
                  afterWho(
                    props,
                    scenario,
                    values.map(Number).sort((a, b) => a - b),
                    true,
                  ),
                )
              }
            />
          </Box>
        );
      }
      break;
    }
    case 'date': {
      const dates = startDates(step.scenario);
      const scenario = step.scenario;
      const parties = step.parties;
      // The months before the chosen one follow the history track.
      title =
        props.who === 'party'
          ? `choose when to take over as ${scenario.parties[parties[0]!]!.name} · ${scenario.title}`
          : `choose the month the session starts (the turns before it follow the record) · ${scenario.title}`;
      body = (
        <Select
          key="date"
          visibleOptionCount={Math.min(rows, dates.length)}
          options={dates.map((d) => ({ value: String(d.month), label: truncate(`${d.date}  ${d.label}`, width - 6) }))}
          onChange={(v) => setStep(starting(props, { scenario, parties, from: Number(v) }))}
        />
      );
      break;
    }
    case 'starting': {
      const { scenario, parties } = step.picked;
      title = 'Starting';
      const who = props.who === 'party' && parties.length === 1 ? `${scenario.parties[parties[0]!]!.name}'s first turn` : 'the first turn';
      body = <Text>{`Setting up ${scenario.id} at ${who}…`}</Text>;
      hint = 'q quit';
      break;
    }
    case 'error':
      title = 'Cannot start';
      hint = 'q quit';
      body = <Text color="red">{`✖ ${step.message}`}</Text>;
      break;
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse wrap="truncate-end">{` ${props.command} — ${title} `}</Text>
      <Box flexDirection="column" paddingX={1} paddingY={1} flexGrow={1}>
        {body}
      </Box>
      <Text dimColor wrap="truncate-end">
        {hint}
      </Text>
    </Box>
  );
}

/**
 * `wargame facilitate`: picks what the command line left open (the scenario,
 * then the teams at the keyboard), then runs the facilitator's console.
 */
import type { CompiledScenario, Session, TurnInputs } from '@wargame/engine';
import { createPlaySession } from '../play-setup.js';
import { SetupPicker, type CatalogEntry } from '../SetupPicker.js';
import type { TerminalSize } from '../use-terminal-size.js';
import { FacilitateScreen, type FacilitateSummary } from './FacilitateScreen.js';
import type { PhaseTimer } from '../timer.js';

export interface FacilitateAppProps {
  catalog: readonly CatalogEntry[];
  loadScenario: (id: string) => { ok: true; scenario: CompiledScenario } | { ok: false; message: string };
  scenario?: CompiledScenario;
  /** A session to go on with (resumed from a save). */
  session?: Session;
  /** The round that was in progress in that save. */
  pending?: TurnInputs;
  /** The countdown still running in that save. */
  timer?: PhaseTimer;
  /** Party indices played by teams; asked for when not given. */
  teams?: readonly number[];
  /** The start month (absolute): the turns before it follow the history track; asked for when the teams are picked here. */
  from?: number;
  seed: string;
  savePath: (scenario: CompiledScenario) => string;
  writeFile: (path: string, text: string) => void;
  notice?: string;
  size?: TerminalSize;
  onQuit?: (summary: FacilitateSummary) => void;
}

export function FacilitateApp(props: FacilitateAppProps) {
  return (
    <SetupPicker
      command="wargame facilitate"
      catalog={props.catalog}
      loadScenario={props.loadScenario}
      {...(props.scenario ? { scenario: props.scenario } : {})}
      {...(props.teams ? { parties: props.teams } : {})}
      {...(props.from === undefined ? {} : { from: props.from })}
      who="teams"
      deferStart
      start={({ scenario, from }) => {
        // The save file is settled once: a picked scenario's default name avoids files that exist, and the first autosave creates it.
        const savePath = props.savePath(scenario);
        if (props.session) return { ok: true, value: { session: props.session, savePath } };
        // The turns before the start month follow the record, as play --from does.
        const r = createPlaySession(scenario, { seed: props.seed, from });
        return r.ok ? { ok: true, value: { session: r.value.session, savePath } } : r;
      }}
      {...(props.size ? { size: props.size } : {})}
    >
      {({ session, savePath }, { scenario, parties }) => (
        <FacilitateScreen
          scenario={scenario}
          session={session}
          teams={parties}
          savePath={savePath}
          writeFile={props.writeFile}
          {...(props.notice ? { notice: props.notice } : {})}
          {...(props.session && props.pending ? { pending: props.pending } : {})}
          {...(props.session && props.timer ? { timer: props.timer } : {})}
          {...(props.size ? { size: props.size } : {})}
          {...(props.onQuit ? { onQuit: props.onQuit } : {})}
        />
      )}
    </SetupPicker>
  );
}

/**
 * `wargame play`: the picker (scenario → party → start date) for whatever the
 * command line left open, then the game.
 */
import type { CompiledScenario, Session } from '@wargame/engine';
import { GameScreen, type QuitSummary } from './GameScreen.js';
import { createPlaySession } from './play-setup.js';
import { SetupPicker, type CatalogEntry } from './SetupPicker.js';
import type { TerminalSize } from './use-terminal-size.js';

export type { CatalogEntry } from './SetupPicker.js';

export interface PlayAppProps {
  /** Shipped scenarios, for the picker. */
  catalog: readonly CatalogEntry[];
  loadScenario: (id: string) => { ok: true; scenario: CompiledScenario } | { ok: false; message: string };
  /** What the command line settled. */
  scenario?: CompiledScenario;
  partyIndex?: number;
  /** The start month (absolute); asked for when the party is picked here. */
  from?: number;
  /** A saved game to go on with (--resume): its session and the turn the player took over at. */
  resumed?: { session: Session; startTurn: number };
  seed: string;
  savePath: (scenario: CompiledScenario, partyId: string) => string;
  writeFile: (path: string, text: string) => void;
  backgroundRuns: number;
  replayCommand: (scenario: CompiledScenario, partyId: string, from: number) => string;
  size?: TerminalSize;
  onQuit?: (summary: QuitSummary) => void;
}

export function PlayApp(props: PlayAppProps) {
  return (
    <SetupPicker
      command="wargame play"
      catalog={props.catalog}
      loadScenario={props.loadScenario}
      {...(props.scenario ? { scenario: props.scenario } : {})}
      {...(props.partyIndex === undefined ? {} : { parties: [props.partyIndex] })}
      {...(props.from === undefined ? {} : { from: props.from })}
      who="party"
      // Following history to the start date takes a moment: a frame says so first.
      deferStart
      start={({ scenario, parties, from }) => {
        const r = props.resumed ? { ok: true as const, value: props.resumed } : createPlaySession(scenario, { seed: props.seed, from });
        const party = scenario.parties[parties[0]!]!;
        return r.ok
          ? { ok: true, value: { ...r.value, savePath: props.savePath(scenario, party.id), replay: props.replayCommand(scenario, party.id, from) } }
          : r;
      }}
      {...(props.size ? { size: props.size } : {})}
    >
      {(game, { scenario, parties }) => (
        <GameScreen
          scenario={scenario}
          session={game.session}
          partyIndex={parties[0]!}
          startTurn={game.startTurn}
          seed={props.seed}
          savePath={game.savePath}
          writeFile={props.writeFile}
          backgroundRuns={props.backgroundRuns}
          replayCommand={game.replay}
          introGoals={!props.resumed}
          {...(props.size ? { size: props.size } : {})}
          {...(props.onQuit ? { onQuit: props.onQuit } : {})}
        />
      )}
    </SetupPicker>
  );
}

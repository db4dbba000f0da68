/** Runs the debrief's background batch once `active` turns true, and keeps its result (undo does not restart it). */
import type { CompiledScenario } from '@wargame/engine';
import { useEffect, useState } from 'react';
import type { RunPlay } from '@wargame/batch';
import { startBackgroundBatch, type BatchProgress } from './background-batch.js';

export function useBackgroundBatch(opts: { active: boolean; scenario: CompiledScenario; params: Record<string, number>; seed: string; runs: number; play: RunPlay; grade?: { party: number } }): BatchProgress | null {
  const { active, scenario, params, seed, runs, play, grade } = opts;
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const [started, setStarted] = useState(false);
  useEffect(() => {
    if (active && !started) setStarted(true);
  }, [active, started]);
  // The runs' plan is taken when the batch starts (the game has ended then).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `play` object per render must not restart the batch
  useEffect(() => {
    if (!started || runs <= 0) return;
    // A fresh object per report, so React sees the change.
    return startBackgroundBatch({ scenario, params, seed, runs, play, ...(grade ? { grade } : {}), onProgress: (p) => setProgress({ ...p }) });
  }, [started, scenario, params, seed, runs]);
  return progress;
}

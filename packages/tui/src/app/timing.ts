/** The figures WARGAME_TIMING=1 prints on exit: time to the first frame and the render times. */
import type { RenderTiming } from './run-full-screen.js';

export function formatTiming(timing: RenderTiming): string {
  const r = timing.renders;
  const sorted = [...r].sort((a, b) => a - b);
  return `timing: first frame ${timing.firstFrameMs?.toFixed(0) ?? '?'} ms after process start; ${r.length} renders, median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
}

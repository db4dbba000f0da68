/**
 * The projector view: the state of the world for a room, large and plain —
 * the date in block digits, the key indicators as wide bars with their
 * values, and last turn's headlines. No sparklines, quotes or keys.
 */
import { logFor, PUBLIC } from '@wargame/engine';
import { newsOf } from '../briefing-model.js';
import { fit, formatChange, formatValue, meterBar, truncate } from '../format.js';
import type { Line } from '../lines.js';
import { facilitatorWorld, type ConsoleView } from './console-lines.js';

/** Three-line block digits (and "-"), readable without colour. */
const GLYPHS: Record<string, [string, string, string]> = {
  '0': ['█▀█', '█ █', '▀▀▀'],
  '1': [' ▀█', '  █', '  ▀'],
  '2': ['▀▀█', '█▀▀', '▀▀▀'],
  '3': ['▀▀█', ' ▀█', '▀▀▀'],
  '4': ['█ █', '▀▀█', '  ▀'],
  '5': ['█▀▀', '▀▀█', '▀▀▀'],
  '6': ['█▀▀', '█▀█', '▀▀▀'],
  '7': ['▀▀█', '  █', '  ▀'],
  '8': ['█▀█', '█▀█', '▀▀▀'],
  '9': ['█▀█', '▀▀█', '▀▀▀'],
  '-': ['   ', '▀▀▀', '   '],
  ' ': ['  ', '  ', '  '],
};

/** Text in block digits: three lines (characters without a glyph are left out). */
export function bigText(text: string): [string, string, string] {
  const rows: [string, string, string] = ['', '', ''];
  for (const ch of text) {
    const g = GLYPHS[ch];
    if (!g) continue;
    for (let r = 0; r < 3; r++) rows[r] += `${g[r]} `;
  }
  return [rows[0].trimEnd(), rows[1].trimEnd(), rows[2].trimEnd()];
}

/**
 * `publicOnly`: for a screen the room sees apart from the facilitator
 * (`wargame watch`): indicators some party cannot see are left out, and the
 * headlines are the public record (no secret move, no hidden effect).
 */
export function projectorLines(f: ConsoleView, width: number, rows: number, opts: { publicOnly?: boolean; clock?: string | null } = {}): Line[] {
  const world = facilitatorWorld(f.scenario, f.session);
  const b = opts.publicOnly ? { ...world, indicators: world.indicators.filter((i) => f.scenario.indicators.find((x) => x.id === i.id)?.visibleTo === null) } : world;
  const state = f.session.state;
  const out: Line[] = [];
  const big = bigText(b.date);
  const side = [
    truncate(f.scenario.title, Math.max(0, width - big[0].length - 4)),
    state.ended ? `game over after ${state.turn} turns` : `turn ${b.turn} of ${b.turns}`,
    // The phase's countdown, where the room looks: beside the date.
    [f.state.paused ? '⏸ PAUSED' : f.state.whatIf ? '⑂ what-if' : '', opts.clock ?? ''].filter(Boolean).join(' · '),
  ];
  big.forEach((row, i) => {
    out.push([{ text: `  ${row.padEnd(big[0].length)}`, bold: true, color: 'yellow' }, { text: `   ${side[i]}`, bold: i !== 0 }]);
  });
  out.push([]);
  // Indicators first; headlines take what is left. A blank line between indicators when there is room.
  const labelWidth = Math.min(44, Math.max(14, Math.floor(width * 0.45)));
  const barWidth = Math.max(8, width - labelWidth - 18);
  const headlineRoom = Math.min(6, Math.max(2, rows - out.length - b.indicators.length - 2));
  const spaced = rows - out.length - headlineRoom - 2 >= b.indicators.length * 2;
  for (const i of b.indicators) {
    out.push([
      { text: ` ${fit(i.label, labelWidth)} `, bold: true },
      { text: meterBar(i.value, i.min, i.max, barWidth), color: 'cyan' },
      { text: ` ${formatValue(i.value).padStart(4)}`, bold: true },
      { text: ` ${formatChange(i.change)}`, color: Math.round(i.change * 10) === 0 ? 'gray' : i.change > 0 ? 'green' : 'red' },
    ]);
    if (spaced) out.push([]);
  }
  if (!spaced) out.push([]);
  const full = f.session.head.log;
  const log = full && opts.publicOnly ? logFor(f.scenario, full, PUBLIC, state) : full;
  out.push([{ text: log ? ` Last turn, ${log.date}` : ' No turn played yet', bold: true, dim: !log }]);
  if (log) {
    const news = newsOf(f.scenario, log, null);
    const room = Math.max(1, rows - out.length);
    const items = news.items.slice(0, room);
    for (const it of items) out.push([{ text: `  ${truncate(it.headline, width - 3)}`, ...(it.kind === 'event' ? { color: 'magenta' } : {}) }]);
    if (news.items.length > items.length) out[out.length - 1] = [{ text: `  … and ${news.items.length - items.length + 1} more`, dim: true }];
  }
  return out;
}

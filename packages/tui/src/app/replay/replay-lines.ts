/**
 * `wargame replay --show`: the session turn by turn for the room, as styled
 * lines (see ../lines.ts) — the month in block digits, the key indicators
 * after the turn with their change, then what happened: the events (injects
 * and written ones with their effects), every party's move with the rulings,
 * posture changes, messages and the facilitator's note. Pure: a function of
 * the session, the branch, the turn and the width.
 */
import type { CompiledScenario, Session } from '@wargame/engine';
import { fit, formatChange, formatValue, meterBar, truncate, wrapText } from '../format.js';
import type { Line } from '../lines.js';
import { bigText } from '../facilitate/projector.js';
import { eventLine, moveLine, turnRecord } from '../turn-record.js';

/** The played turns of a branch (nodes with a log), in order. */
export function replayTurns(session: Session, leaf: number) {
  return session.path(leaf).filter((n) => n.log !== null);
}

export function replayLines(scenario: CompiledScenario, session: Session, leaf: number, index: number, width: number): Line[] {
  const turns = replayTurns(session, leaf);
  const node = turns[index];
  if (!node) return [[{ text: 'No turn was played on this branch.', dim: true }]];
  const record = turnRecord(scenario, session, node)!;
  const out: Line[] = [];
  const big = bigText(record.date);
  const side = [truncate(scenario.title, Math.max(0, width - big[0].length - 6)), `turn ${record.turn} of ${scenario.calendar.turns}`, `${index + 1} of ${turns.length} played on this branch`];
  for (const [i, row] of big.entries()) out.push([{ text: ` ${row.padEnd(big[0].length)}`, bold: true, color: 'yellow' }, { text: `   ${side[i]}`, bold: i !== 2, dim: i === 2 }]);
  out.push([]);
  // The key indicators after the turn, with the turn's change.
  const after = session.stateOf(node.id);
  const before = session.stateOf(node.parent!);
  const labelWidth = Math.min(36, Math.max(14, Math.floor(width * 0.4)));
  const barWidth = Math.max(6, Math.min(30, width - labelWidth - 18));
  scenario.indicators.forEach((ind, i) => {
    if (!ind.key) return;
    const change = after.ind[i]! - before.ind[i]!;
    out.push([
      { text: ` ${fit(ind.label, labelWidth)} ` },
      { text: meterBar(after.ind[i]!, ind.min, ind.max, barWidth), color: 'cyan' },
      { text: ` ${formatValue(after.ind[i]!).padStart(5)}`, bold: true },
      { text: ` ${formatChange(change)}`, color: Math.round(change * 10) === 0 ? 'gray' : change > 0 ? 'green' : 'red' },
    ]);
  });
  out.push([]);
  const wrapped = (text: string, style: Omit<Line[number], 'text'> = {}, indent = '   ') => {
    for (const [i, t] of wrapText(text, Math.max(10, width - indent.length - 1)).entries()) out.push([{ text: `${i === 0 ? ' ' : indent}${t}`, ...style }]);
  };
  for (const e of record.events) wrapped(eventLine(e), { color: 'magenta' });
  for (const m of record.moves) wrapped(`${m.team ? '★' : '•'} ${moveLine(m)}`, m.team ? { bold: true } : {});
  for (const p of record.postures) wrapped(`↻ ${p.name}: ${p.from} → ${p.to}${p.reason ? ` — ${p.reason}` : ''}`, { dim: true });
  for (const m of record.messages) wrapped(`✉ ${m}`);
  if (record.note) for (const line of record.note.split('\n')) wrapped(`✎ ${line}`, { color: 'cyan' });
  return out;
}

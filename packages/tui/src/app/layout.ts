/**
 * How the play screen shares the terminal between its parts. Ink redraws by
 * erasing its last frame, and clears the whole screen when a frame is as tall
 * as the terminal, so a frame is one line shorter than the terminal.
 */

export interface PlayLayout {
  width: number;
  /** Lines of the whole frame. */
  height: number;
  /** World, relations and news side by side (wide terminals) instead of behind tabs. */
  split: boolean;
  /** Lines of the briefing pane(s) above the moves. */
  paneRows: number;
  /** Visible lines of the move list. */
  moveRows: number;
  /** Lines under the move list for the highlighted move's effects and description. */
  detailRows: number;
  /** Lines of a full-screen body (debrief, explanation, help): the frame less header and footer. */
  bodyRows: number;
  /** Columns of a sparkline and of a bar. */
  sparkWidth: number;
  barWidth: number;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

/**
 * @example
 * playLayout(80, 24, 8); // { split: false, paneRows: 9, moveRows: 7, … }
 */
export function playLayout(columns: number, rows: number, moveCount: number): PlayLayout {
  const width = Math.max(40, columns);
  const height = Math.max(12, rows - 1);
  const split = width >= 120 && height >= 28;
  const detailRows = height >= 34 ? 4 : 3;
  // header, (tab bar), moves title, footer
  const fixed = 1 + (split ? 0 : 1) + 1 + detailRows + 1;
  const free = height - fixed;
  const moveRows = clamp(Math.min(Math.max(1, moveCount), Math.floor(free * 0.45)), 1, Math.max(1, free - 4));
  return {
    width,
    height,
    split,
    paneRows: Math.max(3, free - moveRows),
    moveRows,
    detailRows,
    bodyRows: height - 2,
    sparkWidth: clamp(Math.floor(width / 5), 8, split ? 24 : 36),
    barWidth: clamp(Math.floor(width / 8), 8, 20),
  };
}

/** A window of `height` lines from a list, with a note of what is above and below. */
import { Box, Text } from 'ink';
import type { Line } from './lines.js';

export function LineView({ line }: { line: Line }) {
  return (
    <Text wrap="truncate-end">
      {line.length === 0 ? ' ' : null}
      {line.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the spans of a line are positional and never reordered
        <Text key={i} {...(s.color === undefined ? {} : { color: s.color })} bold={s.bold ?? false} dimColor={s.dim ?? false} italic={s.italic ?? false}>
          {s.text === '' ? ' ' : s.text}
        </Text>
      ))}
    </Text>
  );
}

/** Clamps a scroll offset so the window stays on the list. */
export function clampScroll(offset: number, total: number, height: number): number {
  return Math.max(0, Math.min(offset, total - height));
}

/** `cut`: lines past the height are cut without a scroll note (a fixed-size detail box). */
export function Lines({ lines, offset = 0, height, width, cut = false }: { lines: readonly Line[]; offset?: number; height: number; width: number; cut?: boolean }) {
  const scrolls = !cut && lines.length > height;
  // The first or last line of the window says what is hidden, so a scrolled view never looks complete when it is not.
  const inner = scrolls ? Math.max(1, height - 1) : height;
  const start = clampScroll(offset, lines.length, inner);
  const shown = lines.slice(start, start + inner);
  const below = lines.length - start - shown.length;
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {shown.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's place in the scrolled text is its identity
        <LineView key={start + i} line={l} />
      ))}
      {scrolls ? (
        <Text dimColor wrap="truncate-end">
          {`${start > 0 ? `↑ ${start} above` : ''}${start > 0 && below > 0 ? ' · ' : ''}${below > 0 ? `↓ ${below} more` : ''} (PgUp/PgDn)`}
        </Text>
      ) : null}
    </Box>
  );
}

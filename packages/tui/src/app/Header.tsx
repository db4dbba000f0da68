/** The top line: scenario, the player's party and posture, the date and turn, and whether the game is saved. */
import { Box, Text } from 'ink';
import { cells, truncate } from './format.js';

export function Header({ width, title, party, posture, date, turn, turns, dirty, ended, clock }: {
  width: number;
  title: string;
  party: string;
  posture: string;
  date: string;
  turn: number;
  turns: number;
  dirty: boolean;
  ended: boolean;
  /** A phase's countdown ("⏱ 4:05"), shown before the saved mark and never cut. */
  clock?: string | null;
}) {
  // Cut by hand rather than by flexbox, so the line never wraps in a narrow terminal.
  const right = dirty ? ' ● unsaved' : ' ✔ saved';
  const timer = clock ? ` ${clock} │` : '';
  const when = ended ? `${date} · game over after ${turn} turns` : `${date} · turn ${turn} of ${turns}`;
  const room = Math.max(0, width - cells(right) - cells(timer));
  const who = truncate(` ${party} (${posture})`, room);
  const rest = truncate(` │ ${when}`, room - cells(who));
  const tail = truncate(` │ ${title}`, room - cells(who) - cells(rest));
  const pad = ' '.repeat(Math.max(0, room - cells(who) - cells(rest) - cells(tail)));
  return (
    <Box width={width}>
      <Text>
        <Text bold color="yellow">{who}</Text>
        <Text bold>{rest}</Text>
        <Text dimColor>{tail}</Text>
        <Text>{pad}</Text>
        {timer ? <Text bold color={clock?.includes('time is up') ? 'red' : 'cyan'}>{timer}</Text> : null}
        <Text color={dirty ? 'yellow' : 'green'}>{right}</Text>
      </Text>
    </Box>
  );
}

/** The bottom line: the keys that work here, or a message; help is always named. */
export function Footer({ width, keys, status, help: hasHelp = true }: { width: number; keys: string; status: string | null; help?: boolean }) {
  const help = hasHelp ? ' ? help ' : '';
  const text = truncate(status ?? keys, Math.max(0, width - help.length));
  const padding = ' '.repeat(Math.max(0, width - help.length - cells(text)));
  return (
    <Box width={width}>
      <Text>
        <Text {...(status ? { color: 'cyan' } : { dimColor: true })}>{text}</Text>
        <Text>{padding}</Text>
        <Text bold>{help}</Text>
      </Text>
    </Box>
  );
}

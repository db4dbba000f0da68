/**
 * What each key does on the play screens, as a pure function of the screen
 * state: (ui, key) → (ui, command). The component runs the commands (play a
 * move, undo, save, quit) against the session.
 */

export type Tab = 'world' | 'news' | 'relations';
export const TABS: readonly Tab[] = ['world', 'news', 'relations'];
export type Overlay = 'none' | 'help' | 'explain' | 'quit' | 'goals';

export interface UiState {
  overlay: Overlay;
  tab: Tab;
  moveCursor: number;
  /** Scroll offset (lines) of each briefing pane. */
  scroll: Record<Tab, number>;
  explainParty: number;
  explainOption: number;
  explainScroll: number;
  debriefScroll: number;
  goalsScroll: number;
  /** The news shown: 0 the last turn's, n the turn n before it (← older, → newer). */
  newsBack: number;
  /** A one-line message in the footer (saved, undone, nothing to undo…). */
  status: string | null;
}

export type Command = { type: 'play'; move: number } | { type: 'undo' } | { type: 'save' } | { type: 'quit' } | { type: 'save-and-quit' };

/** The parts of ink's Key the screens use. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
}

export interface KeyContext {
  ended: boolean;
  moves: number;
  /** Parties whose moves can be explained. */
  parties: number;
  /** Options of the party being explained. */
  options: number;
  dirty: boolean;
  /** Lines a page scroll moves. */
  page: number;
  /** Turns played whose news can be browsed (← →); none when absent. */
  newsTurns?: number;
}

export function initialUi(): UiState {
  return { overlay: 'none', tab: 'world', moveCursor: 0, scroll: { world: 0, news: 0, relations: 0 }, explainParty: 0, explainOption: -1, explainScroll: 0, debriefScroll: 0, goalsScroll: 0, newsBack: 0, status: null };
}

/** After a turn is played or undone: the cursor back on top, the news from the top. */
export function afterTurn(ui: UiState, status: string | null): UiState {
  return { ...ui, moveCursor: 0, scroll: { world: 0, news: 0, relations: 0 }, debriefScroll: 0, explainOption: -1, explainScroll: 0, newsBack: 0, status };
}

const wrap = (i: number, n: number) => (n <= 0 ? 0 : ((i % n) + n) % n);
const down = (input: string, key: KeyInfo) => key.downArrow === true || input === 'j';
const up = (input: string, key: KeyInfo) => key.upArrow === true || input === 'k';

function scrollBy(input: string, key: KeyInfo, page: number): number {
  if (key.pageDown || input === ']' || input === ' ') return page;
  if (key.pageUp || input === '[') return -page;
  return 0;
}

/**
 * The next screen state and the command a key asks for.
 *
 * @example
 * const { ui, command } = reduceKey(initialUi(), '', { return: true }, { ended: false, moves: 3, parties: 4, options: 0, dirty: false, page: 5 });
 * // command: { type: 'play', move: 0 }
 */
export function reduceKey(ui: UiState, input: string, key: KeyInfo, ctx: KeyContext): { ui: UiState; command?: Command } {
  const base = { ...ui, status: null };
  switch (ui.overlay) {
    case 'goals': {
      // The goals scroll when they are longer than the screen; any other key closes them.
      const by = down(input, key) ? 1 : up(input, key) ? -1 : scrollBy(input, key, ctx.page);
      if (by !== 0) return { ui: { ...base, goalsScroll: Math.max(0, ui.goalsScroll + by) } };
      return { ui: { ...base, overlay: 'none', goalsScroll: 0 } };
    }
    case 'help':
      // Any key closes the help.
      return { ui: { ...base, overlay: 'none' } };
    case 'quit':
      if (input === 'y' || input === 'Y') return { ui: { ...base, overlay: 'none' }, command: { type: 'quit' } };
      if (input === 's' || input === 'S') return { ui: { ...base, overlay: 'none' }, command: { type: 'save-and-quit' } };
      if (input === 'n' || input === 'N' || key.escape || input === 'q') return { ui: { ...base, overlay: 'none', status: 'Still playing.' } };
      return { ui };
    case 'explain': {
      if (key.escape || input === 'w' || input === 'q') return { ui: { ...base, overlay: 'none' } };
      if (input === '?') return { ui: { ...base, overlay: 'help' } };
      if (key.leftArrow || input === 'h' || (key.tab && key.shift)) return { ui: { ...base, explainParty: wrap(ui.explainParty - 1, ctx.parties), explainOption: -1, explainScroll: 0 } };
      if (key.rightArrow || input === 'l' || key.tab) return { ui: { ...base, explainParty: wrap(ui.explainParty + 1, ctx.parties), explainOption: -1, explainScroll: 0 } };
      if (down(input, key)) return { ui: { ...base, explainOption: ctx.options === 0 ? -1 : Math.min(ctx.options - 1, ui.explainOption + 1), explainScroll: 0 } };
      if (up(input, key)) return { ui: { ...base, explainOption: Math.max(-1, ui.explainOption - 1), explainScroll: 0 } };
      const by = scrollBy(input, key, ctx.page);
      if (by !== 0) return { ui: { ...base, explainScroll: Math.max(0, ui.explainScroll + by) } };
      return { ui: base };
    }
    case 'none':
      break;
  }
  if (input === '?') return { ui: { ...base, overlay: 'help' } };
  if (input === 'g') return { ui: { ...base, overlay: 'goals' } };
  if (input === 'q' || key.escape) {
    if (key.escape) return { ui: base };
    return ctx.dirty ? { ui: { ...base, overlay: 'quit' } } : { ui: base, command: { type: 'quit' } };
  }
  if (input === 'w') return { ui: { ...base, overlay: 'explain', explainOption: -1, explainScroll: 0 } };
  if (input === 'u') return { ui: base, command: { type: 'undo' } };
  if (input === 's') return { ui: base, command: { type: 'save' } };
  if (ctx.ended) {
    if (down(input, key)) return { ui: { ...base, debriefScroll: ui.debriefScroll + 1 } };
    if (up(input, key)) return { ui: { ...base, debriefScroll: Math.max(0, ui.debriefScroll - 1) } };
    const by = scrollBy(input, key, ctx.page);
    if (by !== 0) return { ui: { ...base, debriefScroll: Math.max(0, ui.debriefScroll + by) } };
    return { ui: base };
  }
  if (down(input, key)) return { ui: { ...base, moveCursor: Math.min(Math.max(0, ctx.moves - 1), ui.moveCursor + 1) } };
  if (up(input, key)) return { ui: { ...base, moveCursor: Math.max(0, ui.moveCursor - 1) } };
  if (key.return && ctx.moves > 0) return { ui: base, command: { type: 'play', move: Math.min(ui.moveCursor, ctx.moves - 1) } };
  // ← → browse the news of earlier turns (→ back towards the last one); the News view shows them.
  if (key.leftArrow || key.rightArrow) {
    const last = Math.max(0, (ctx.newsTurns ?? 0) - 1);
    const newsBack = Math.max(0, Math.min(last, ui.newsBack + (key.leftArrow ? 1 : -1)));
    return { ui: { ...base, newsBack, tab: 'news', scroll: { ...ui.scroll, news: 0 } } };
  }
  if (key.tab) {
    const i = TABS.indexOf(ui.tab);
    return { ui: { ...base, tab: TABS[wrap(i + (key.shift ? -1 : 1), TABS.length)]! } };
  }
  // A digit picks the move of that number (the moves are numbered 1., 2., …); Enter then plays it. Views change with Tab.
  if (/^[1-9]$/.test(input) && Number(input) <= ctx.moves) return { ui: { ...base, moveCursor: Number(input) - 1 } };
  const by = scrollBy(input, key, ctx.page);
  if (by !== 0) return { ui: { ...base, scroll: { ...ui.scroll, [ui.tab]: Math.max(0, ui.scroll[ui.tab] + by) } } };
  return { ui: base };
}

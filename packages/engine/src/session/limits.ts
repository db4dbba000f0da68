/**
 * The most nodes (turns played, over every branch) a session and its save may
 * hold. Loading a save replays every node, so this bounds what a stranger's
 * save can cost (about 0.5 ms a node on the flagship); a 3-hour workshop of 50
 * turns with a few dozen forks stays far below it. See docs/limits.md.
 */
export const MAX_SESSION_NODES = 5_000;

/** The most events a facilitator may inject in one turn. */
export const MAX_INJECTS_PER_TURN = 20;

/** Characters in a branch's name (it heads the branch tree and the report's branch sections). */
export const MAX_BRANCH_NAME = 60;

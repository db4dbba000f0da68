/**
 * Internals for tests (the `@wargame/engine/testing` subpath): the kernel's
 * phases one at a time, so a test can check the look-ahead and the valuation
 * directly. Not part of the public API.
 */
export { createRunContext, decide, lookAhead, valueMove, playEvents, stepPostures, resolveMoves, closeTurn, historyMove, isAvailable } from './sim/kernel.js';
export { planTurns } from './sim/plan.js';

/** The program's version, recorded in batch outputs and saves. */
export const VERSION = '0.1.0';

/** Compiled into the bundle by scripts/bundle.mjs: a hash of the engine's source and its yaml and zod. */
declare const __WARGAME_BUILD_ID__: string | undefined;

/**
 * Which engine this is, by content: the version number alone stays 0.1.0 across
 * commits that play the same seed differently, so batch outputs record this
 * and merge and resume compare it. Undefined when the program runs unbundled
 * (from source or tsc's output in tests).
 */
export const BUILD_ID: string | undefined = typeof __WARGAME_BUILD_ID__ === 'string' ? __WARGAME_BUILD_ID__ : undefined;

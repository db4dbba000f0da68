/** The program's version, recorded in batch outputs and saves. */
export const VERSION = '0.1.0';

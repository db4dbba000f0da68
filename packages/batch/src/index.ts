/** @wargame/batch: batch research on the wargame engine. */
export * from './columns.js';
export * from './meta.js';
export * from './summary-types.js';
export * from './table-types.js';

/** @wargame/batch: batch research on the wargame engine. */
export * from './columns.js';
export * from './meta.js';
export * from './summary-types.js';
export * from './table-types.js';
export { buildDesign, parseSweep, parseShard, shardRange, runSeed, type Result } from './design.js';
export { playRow, type RowContext, type RowResult } from './run-row.js';
export { createRowContext, playChunk, type WorkerSetup, type ChunkTask, type ChunkResult } from './worker.js';
export { executeBatch, type BatchExecution, type ExecutionResult } from './runner.js';
export { renderBatchReport, type BatchReportOptions } from './report/batch-report.js';
export { buildBatchCharts, renderBatchCharts, renderChartSvg, type BatchChart, type ChartKind, type RenderedChart } from './report/charts.js';

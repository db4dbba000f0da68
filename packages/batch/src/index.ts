/** @wargame/batch: batch research on the wargame engine. */
export * from './columns.js';
export * from './meta.js';
export * from './summary-types.js';
export * from './table-types.js';
export { buildDesign, designPaths, MAX_BATCH_RUNS, MAX_DESIGN_CELLS, parseSweep, parseShard, shardRange, runSeed, type DesignFile, type DesignRequest, type Result } from './design.js';
export { playRow, prepareBatchContext, type RowContext, type RowResult, type RunPlay } from './run-row.js';
export { createRowContext, playChunk, type WorkerSetup, type ChunkTask, type ChunkResult } from './worker.js';
export { executeBatch, type BatchExecution, type ExecutionResult } from './runner.js';
export { renderBatchReport, renderDocument, type BatchReportOptions, type Block, type Inline, type Table, type TableCell, type DocumentChart } from './report/batch-report.js';
export { buildBatchCharts, renderBatchCharts, renderChartSvg, type BatchChart, type ChartKind, type RenderedChart } from './report/charts.js';
export { wilson, zForLevel, normalQuantile, Z95 } from './stats/wilson.js';
export { quantileSorted, quantiles, quantileAt, mean, variance, sd } from './stats/quantile.js';
export { saltelliUnitSample, saltelliBlockSize, sobolIndices, type SobolIndices, type SobolOptions } from './stats/sobol.js';
export { morrisUnitSample, morrisDelta, morrisIndices, elementaryEffects, type MorrisFactor, type MorrisOptions } from './stats/morris.js';
export { BOOTSTRAP_RESAMPLES, type Interval } from './stats/bootstrap.js';
export {
  clusteredMean,
  clusteredMeanOfTotals,
  clusteredMeanOfSums,
  pairedDifference,
  pairedDifferenceOfMoments,
  tQuantile,
  wilsonEffective,
  type ClusteredMean,
  type ClusterTotal,
  type ClusterSums,
  type Moments,
  type PairedDifference,
} from './stats/clustered.js';
export { BatchError, BatchInputError, BatchOutputError, BatchReadError, BatchUsageError } from './errors.js';
export { formatPercent, formatPercentFixed, formatPoints, formatInterval, formatNumber, formatGroupedNumber, formatSigned } from './text/numbers.js';
export { renderTable, renderWide, textWidth, padEndTo, padStartTo, type Align, type FormatOptions } from './text/table.js';
export { summarizeBatch, formatSummary, SUMMARY_QUANTILES, POOLED_CELL } from './summary.js';
export {
  sensitivity,
  sensitivityFor,
  formatSensitivityFor,
  type AnySensitivity,
  formatSensitivity,
  SENSITIVITY_BINS,
  MAX_EXACT_GROUPS,
  type SensitivityResult,
  type SensitivityParameter,
  type SensitivityOutcome,
  type SensitivityEffect,
} from './sensitivity.js';
export {
  sobolSensitivity,
  morrisSensitivity,
  formatSobolSensitivity,
  formatMorrisSensitivity,
  INDEX_MARK,
  type GlobalOptions,
  type GlobalParameter,
  type SobolSensitivity,
  type SobolOutcome,
  type MorrisSensitivity,
  type MorrisOutcome,
  type MorrisParameterEffect,
} from './global-sensitivity.js';
export { varianceSplit, type VarianceSplit } from './cell-means.js';
export { compareCells, formatCellComparison, parseCompare, type CellComparison, type CellComparisonResult, type ComparedCell } from './compare-cells.js';
export { parseObserved, MAX_OBSERVED_BYTES, type Observed, type ObservedOutcome, type ObservedValue, type ObservedParse } from './score/observed.js';
export {
  scoreBatch,
  combineReliability,
  combineEvents,
  RELIABILITY_BINS,
  type OutcomeScore,
  type ProbabilityScore,
  type MeanScore,
  type CellScore,
  type ReliabilityBin,
  type ReliabilityEvent,
  type ScoreOptions,
  type ScoreResult,
} from './score/score.js';
export { checkObservedDates, crpsOfCounts, firstTurnColumns, firstTurnCounts, monthOfTurn, timingScore, turnOfMonth, type Calendar, type TimingScore } from './score/timing.js';
export { formatScore, formatCombinedReliability } from './score/format.js';
export { claimPathFor } from './io/claim.js';
export { openSink, PARQUET_SINK_MEMORY, type RowSink, type SinkOptions } from './io/sink.js';
export { openSeriesSink, seriesPath, type SeriesSink } from './io/series-sink.js';
export { readBatchMeta, type MetaResult } from './io/read-meta.js';
export { openBatch, type OpenResult } from './io/table.js';
export { mergeOutputs, type MergeResult } from './io/merge.js';
export { PARQUET_META_KEY } from './io/parquet-sink.js';
export {
  discover,
  discoveryTarget,
  chooseBox,
  sampleSeedOf,
  DiscoverInputError,
  MAX_DISCOVER_RUNS,
  CART_DEFAULTS,
  type DiscoverRequest,
  type DiscoveryResult,
  type DiscoveryDimension,
  type DiscoveryLimit,
  type DiscoveryPoint,
  type DiscoveryLeaf,
} from './discover/discover.js';
export { prim, quasiPValues, sdtoolkitQuantile, PRIM_DEFAULTS, type PrimOptions, type PrimBox, type PrimResult } from './discover/prim.js';
export { growTree, treeLeaves, type CartOptions, type CartNode, type CartLeaf } from './discover/cart.js';
export { binomialUpperTail } from './discover/binomial.js';
export { formatDiscovery, ruleText } from './discover/rules-text.js';
export { renderDiscoveryReport } from './discover/discover-report.js';

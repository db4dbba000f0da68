/**
 * @wargame/engine: a pure, deterministic turn engine for scenario war games.
 * No I/O: callers read files and hand over text.
 */
export { ScenarioSchema, scenarioJsonSchema, CitationSchema, EffectsSchema, IdSchema, MonthSchema } from './scenario/schema.js';
export { MAX_HORIZON } from './scenario/schema.js';
export type { Message, Citation, ScenarioDoc, ScenarioInput, Party, Move, Interest, Outcome, ScenarioEvent, Effects, Wants, Parameter, Indicator } from './scenario/schema.js';
export { loadScenario, SCENARIO_LIMITS, type LoadResult } from './scenario/load.js';
export { parseScenarioYaml, MAX_SCENARIO_BYTES, MAX_KEYS_PER_MAPPING, type SourceFile } from './scenario/parse-yaml.js';
export { formatIssue, formatPath, sortIssues, ISSUE_CODES, type ScenarioIssue, type CodedIssue, type IssueCode } from './scenario/issues.js';
export { compileScenarioDoc, compileEffects } from './scenario/compile.js';
export { applyOverrides, overrideEntries, overridePaths, type OverrideResult } from './scenario/overrides.js';
export { checkCitations, collectCitations, normaliseText } from './scenario/citations.js';
export type { LoadOptions } from './scenario/load.js';
export type {
  CompiledScenario,
  CompiledParty,
  CompiledMove,
  CompiledEvent,
  CompiledOutcome,
  CompiledInterest,
  CompiledTransition,
  CompiledIndicator,
  CompiledParameter,
  CompiledEffect,
} from './scenario/compiled.js';
export { parseExpression, monthIndex, monthText, ExpressionError, type ExpressionErrorCode, type ParseError } from './expr/parse.js';
export {
  checkCondition,
  checkNumber,
  checkUtility,
  compileCondition,
  compileNumber,
  compileUtility,
  conditionFunction,
  numberFunction,
  expressionReads,
  pairIndex,
  type CompileResult,
  type ExpressionOptions,
  type World,
  type Symbols,
  type WantsSpec,
} from './expr/compile.js';
export type { NumExpr, BoolExpr, Expr, CompareOp } from './expr/tree.js';
export { emitNumber, emitCondition, generateFunction } from './expr/codegen.js';
export { numberClosure, conditionClosure } from './expr/evaluate.js';
export { seedStream, nextAlea, turnGenerator, drawAt, type AleaState } from './rng/streams.js';
export {
  buildPartyMachine,
  partyMachines,
  nextTransition,
  declareMachine,
  describeGuard,
  GuardConditions,
  type MachineDriver,
  type GuardRef,
  type PartyEvent,
  type PostureMeta,
  type TransitionMeta,
} from './actors/machines.js';
export { deriveTable } from './actors/table.js';
export {
  createInitialState,
  cloneState,
  stateHash,
  stateDate,
  resolveParams,
  namedIndicators,
  namedRelations,
  namedPostures,
  type GameState,
  type Params,
  type InitError,
} from './sim/state.js';
export { TurnInputsSchema, InjectSchema, type TurnInputs, type Inject, type TurnError, type TurnErrorCode, type PendingReply } from './sim/inputs.js';
export {
  stepTurn,
  beginTurn,
  resolveTurn,
  availableMoves,
  type TurnLog,
  type PartyTurnLog,
  type EventLog,
  type StepOptions,
  type StepResult,
  type BeginResult,
  type DecisionContext,
  type PartyDecision,
  type MoveOffer,
  type OfferedEffect,
  type MessageLog,
} from './sim/step-turn.js';
export { softmax, pickIndex, type OptionValue } from './sim/policy.js';
export { viewOf, logFor, PUBLIC, type PartyView, type IndicatorView } from './sim/view.js';
export { planTurns, type TurnPlan } from './sim/plan.js';
export { createRunContext, playTurn, MAX_REACTION_ROUNDS, type RunContext, type TurnObserver, type DecisionRecord, type Delivery, type ReplyOption } from './sim/kernel.js';
export { evaluateOutcomes, type OutcomeResult, type OutcomeValue } from './sim/outcomes.js';
export { runGame, fastRun, prepareFastRun, type GameRun, type FastPlan } from './sim/run-game.js';
export { Session, type SessionNode, type BranchInfo, type SessionError } from './session/session.js';
export { MAX_SESSION_NODES, MAX_INJECTS_PER_TURN, MAX_BRANCH_NAME } from './session/limits.js';
export { saveSession, loadSession, replaySave, SaveSchema, SAVE_FORMAT, SAVE_VERSION, type SaveFile, type SaveError, type LoadedSave, type SaveTimer } from './session/save.js';
export { canonicalJson, hashValue } from './util/hash.js';
export type { AppliedEffect } from './sim/effects.js';
export { closest, didYouMean, editDistance } from './util/suggest.js';
export { historyFit, followHistory, noiseAveragedProbabilities, type HistoryFit, type HistoryFitRow, type QuietFit } from './sim/history.js';
export type { HistoryStep } from './scenario/schema.js';
export type { CompiledHistoryStep } from './scenario/compiled.js';
export { emptyReads, readsOf, type WorldReads } from './expr/reads.js';
export { calibrate, historyLogLikelihood, type CalibrationTarget, type CalibrationResult, type CalibrationOptions } from './sim/calibrate.js';
export { nelderMead, type MinimizeResult } from './util/nelder-mead.js';
export { forecastMoves, type MoveForecast } from './sim/forecast.js';
export { MAX_SEED_LENGTH, oneLine, seedProblem, shellWord, terminalSafe, unsafeChar } from './util/text.js';

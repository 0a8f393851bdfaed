// The rules engine's public API: schemas, compilation, each pure step, the pipeline and the dry run.
export { rulesSchema, type RulesDefinition } from './rules-schema';
export type { NormalizeRule } from './normalize-schema';
export type { DedupeRule, DedupeOutcomeKind } from './dedupe-schema';
export type { TaggingRule } from './tagging-schema';
export type {
  Scorecard,
  ScoreRule,
  ScoreBand,
  ScoreThreshold,
  ThresholdAction,
} from './scorecard-schema';
export type { AssignmentRule, AssignmentEntry, AssignmentStrategy } from './assignment-schema';
export type { Gate, GateRequirement } from './gate-schema';
export {
  compileRules,
  compileRulesOrThrow,
  validateRules,
  type CompiledRules,
  type CompiledTableRules,
} from './compile-rules';
export { normalizePhone, DEFAULT_PHONE_REGION, type PhoneResult } from './phone-number';
export { stripOrgSuffixes, orgMatchForm } from './organization-name';
export type { CompiledNormalizer, FieldChange, NormalizeResult } from './normalizer';
export {
  dedupeKey,
  dedupeOutcome,
  type CompiledDedupeRule,
  type DedupeLookup,
  type DedupeMatch,
  type DedupeOutcome,
} from './dedupe';
export {
  applyTagging,
  type CompiledTaggingRule,
  type TagMatch,
  type TaggingContext,
  type TaggingResult,
} from './tagging';
export {
  computeScore,
  crossedThresholds,
  storedLevel,
  type CompiledScorecard,
  type ScoreContribution,
  type ScoreEvent,
  type ScoredEvent,
  type ScoreLevel,
  type ScoreResult,
  type ThresholdFiring,
} from './scorecard';
export {
  chooseAssignee,
  type AssignmentCandidate,
  type AssignmentDecision,
  type CompiledAssignmentRule,
  type EntryTrace,
  type Exclusion,
  type ExclusionReason,
} from './assignment';
export {
  checkGate,
  mimeMatches,
  type CompiledGate,
  type GateFacts,
  type GateResult,
  type MissingRequirement,
} from './gate';
export {
  dedupeKeysFor,
  resolveDedupe,
  runRulePipeline,
  scoreNewEvent,
  type EventScoring,
  type PipelineContext,
  type PipelineResult,
  type PipelineStep,
  type RecordChange,
} from './pipeline';
export { diffRuleOutcome, outcomeOf, type RuleChange, type RuleOutcome } from './diff-rule-outcome';
export type { RecordJson, RuleIssue } from './rule-issue';

// What starts a flow execution: the flow as published (pinned for the whole run) and the record.
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributePair,
} from '@temporalio/common';
import type { FieldDefinition } from '../runtime/definition/field-schema';
import type { FlowDefinition } from '../runtime/flows/flow-schema';
import type { FlowEvent, FlowState, RecordSnapshot } from '../runtime/flows/flow-types';
import type { BusinessCalendar } from '../runtime/time/business-calendar';

export interface FlowExecutionRef {
  readonly spaceId: string;
  readonly spaceKey: string;
  readonly tableKey: string;
  readonly recordId: string;
  readonly flowKey: string;
  /** Prefix of every idempotency key this execution writes (workflow id and start sequence). */
  readonly keyPrefix: string;
}

/** Where a continued run picks up: the interpreter state and what it had seen and not yet handled. */
export interface FlowResume {
  readonly state: FlowState;
  /** Outbox sequence numbers already applied (the latest ones), so redeliveries stay dropped. */
  readonly seen: readonly string[];
  readonly inbox: readonly FlowEvent[];
}

export interface FlowStart extends FlowExecutionRef {
  /** The published version the snapshot comes from. */
  readonly definitionVersion: number;
  readonly flow: FlowDefinition;
  readonly fields: readonly FieldDefinition[];
  readonly calendar?: BusinessCalendar;
  readonly record: RecordSnapshot;
  /** Set when the run continues an earlier one (continue-as-new). */
  readonly resume?: FlowResume;
  /** History events after which the run continues as new (default `defaultHistoryLimit`). */
  readonly historyLimit?: number;
}

export const flowWorkflowType = 'flowInterpreterWorkflow';

/** Continue-as-new well before Temporal's 50k-event / 50 MB history limits. */
export const defaultHistoryLimit = 10_000;

/** Record ids of executions that run for no stored record: a schedule's tick, a threshold crossing. */
export const tickRecordPrefix = 'tick-';
export const thresholdRecordPrefix = 'threshold-';

/** Whether an execution runs for no stored record (its start arguments carry its whole "record"). */
export function isRecordlessStart(recordId: string): boolean {
  return recordId.startsWith(tickRecordPrefix) || recordId.startsWith(thresholdRecordPrefix);
}

/** Workflow id of a record's execution of a flow: at most one per record and flow. */
export function flowWorkflowId(spaceKey: string, flowKey: string, recordId: string): string {
  return `${spaceKey}/${flowKey}/${recordId}`;
}

/** Custom search attributes every flow execution carries; registered at start-up. */
export const flowSearchAttributeKeys = {
  space: defineSearchAttributeKey('BatonSpace', SearchAttributeType.KEYWORD),
  flow: defineSearchAttributeKey('BatonFlow', SearchAttributeType.KEYWORD),
  table: defineSearchAttributeKey('BatonTable', SearchAttributeType.KEYWORD),
  record: defineSearchAttributeKey('BatonRecordId', SearchAttributeType.KEYWORD),
} as const;

/** The search attributes of an execution, so the API lists a flow's executions by them. */
export function flowSearchAttributes(ref: FlowExecutionRef): SearchAttributePair[] {
  return [
    { key: flowSearchAttributeKeys.space, value: ref.spaceKey },
    { key: flowSearchAttributeKeys.flow, value: ref.flowKey },
    { key: flowSearchAttributeKeys.table, value: ref.tableKey },
    { key: flowSearchAttributeKeys.record, value: ref.recordId },
  ];
}

/** A visibility query value: Keyword values are quoted; quotes cannot occur in keys. */
export function visibilityLiteral(value: string): string {
  return `'${value.replace(/['\\]/g, '')}'`;
}

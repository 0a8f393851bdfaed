// What starts a flow execution: the flow as published (pinned for the whole run) and the record.
import type { FieldDefinition } from '../runtime/definition/field-schema';
import type { FlowDefinition } from '../runtime/flows/flow-schema';
import type { RecordSnapshot } from '../runtime/flows/flow-types';
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

export interface FlowStart extends FlowExecutionRef {
  /** The published version the snapshot comes from. */
  readonly definitionVersion: number;
  readonly flow: FlowDefinition;
  readonly fields: readonly FieldDefinition[];
  readonly calendar?: BusinessCalendar;
  readonly record: RecordSnapshot;
}

export const flowWorkflowType = 'flowInterpreterWorkflow';

/** Workflow id of a record's execution of a flow: at most one per record and flow. */
export function flowWorkflowId(spaceKey: string, flowKey: string, recordId: string): string {
  return `${spaceKey}/${flowKey}/${recordId}`;
}

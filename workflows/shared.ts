// Names shared by the workflow sandbox, the worker and the clients (no Node built-ins here).
import { defineSignal } from '@temporalio/workflow';

/** One outbox entry as a workflow receives it; `seq` is the outbox sequence number. */
export interface OutboxEvent {
  readonly seq: string;
  readonly topic: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Every outbox delivery arrives on this signal, started with signal-with-start. */
export const outboxEventSignalName = 'outboxEvent';
export const outboxEventSignal = defineSignal<[OutboxEvent]>(outboxEventSignalName);

/** Workflow id of a space's lifecycle execution: one per space. */
export function spaceWorkflowId(spaceKey: string): string {
  return `space/${spaceKey}`;
}

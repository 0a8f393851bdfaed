// State, events and commands of the flow interpreter's pure step function.
import type { LocalizedText } from '../localized-text';

export type RecordSnapshot = Readonly<Record<string, unknown>>;

export interface FlowState {
  readonly status: 'running' | 'completed' | 'failed';
  /** The node execution is at; null once completed. */
  readonly node: string | null;
  /** When the current node was entered (ISO). */
  readonly enteredAt: string;
  readonly record: RecordSnapshot;
  /** Pending timers: id → due instant (ISO). */
  readonly timers: Readonly<Record<string, string>>;
  /** Escalation level reached in the current node (0: none yet). */
  readonly level: number;
  /** A command the current node waits for (update, assign, http). */
  readonly awaiting: string | null;
  /** Handover phase in the current node. */
  readonly handover: 'blocked' | 'pending' | null;
  /** Commands issued so far; numbers every command for idempotency keys. */
  readonly seq: number;
}

export type FlowEvent =
  | { readonly type: 'start'; readonly record: RecordSnapshot; readonly now: string }
  | { readonly type: 'record'; readonly record: RecordSnapshot; readonly now: string }
  | { readonly type: 'timer'; readonly timer: string; readonly now: string }
  | {
      readonly type: 'verdict';
      readonly verdict: 'valid' | 'needs_info' | 'invalid';
      readonly reason?: string;
      readonly note?: string;
      readonly by?: string;
      readonly now: string;
    }
  | { readonly type: 'task_done'; readonly by?: string; readonly now: string }
  | {
      readonly type: 'result';
      readonly command: string;
      readonly ok: boolean;
      readonly detail?: string;
      readonly now: string;
    };

/** What the host does for the interpreter; each carries a key unique within the execution. */
export type FlowCommand =
  | { readonly type: 'timer'; readonly key: string; readonly timer: string; readonly at: string }
  | { readonly type: 'cancel_timer'; readonly key: string; readonly timer: string }
  | {
      readonly type: 'notify';
      readonly key: string;
      readonly node: string;
      readonly to: string;
      readonly channel: 'inapp' | 'webhook' | 'email';
      readonly title: LocalizedText;
      readonly body: LocalizedText | null;
    }
  | {
      readonly type: 'update';
      readonly key: string;
      readonly node: string;
      readonly set: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'assign'; readonly key: string; readonly node: string; readonly to: string }
  | {
      readonly type: 'http';
      readonly key: string;
      readonly node: string;
      readonly method: string;
      readonly url: string;
      readonly body: string | null;
      readonly timeoutMs: number;
      readonly retries: number;
      readonly map: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'task';
      readonly key: string;
      readonly node: string;
      readonly assignee: string;
      readonly title: LocalizedText;
      readonly dueAt: string;
    }
  | {
      readonly type: 'freeze';
      readonly key: string;
      readonly node: string;
      readonly frozen: boolean;
    }
  | {
      readonly type: 'timeline';
      readonly key: string;
      readonly kind: string;
      readonly node: string | null;
      readonly data: Readonly<Record<string, unknown>>;
    };

/** Commands whose outcome the interpreter waits for before moving on. */
export const awaitedCommands: ReadonlySet<FlowCommand['type']> = new Set([
  'update',
  'assign',
  'http',
]);

/** Time arithmetic the interpreter needs; business hours come from the space's calendar. */
export interface FlowClock {
  /** The instant `duration` (ISO 8601) after `start`, counting only working time when asked. */
  add(start: string, duration: string, businessHours: boolean): string;
  /** `duration` before `end` (for reminders), counting only working time when asked. */
  subtract(end: string, duration: string, businessHours: boolean): string;
}

export interface StepResult {
  readonly state: FlowState;
  readonly commands: readonly FlowCommand[];
}

// Notifications decided by the rule pipeline, carried through the outbox to the worker.
import type { LocalizedText } from '../runtime/localized-text';

export interface RuleNotification {
  /** Recipient spec: `owner`, `role:supervisor`, `user:<id>`… */
  readonly to: string;
  readonly title: LocalizedText;
  readonly body: LocalizedText;
}

export interface RuleActions {
  readonly spaceId: string;
  readonly tableKey: string;
  readonly recordId: string;
  readonly ownerId: string | null;
  readonly province: string | null;
  /** Unique per write, so a redelivered entry notifies nobody twice. */
  readonly keyPrefix: string;
  readonly notifications: readonly RuleNotification[];
}

export const ruleActionsWorkflowType = 'ruleActionsWorkflow';

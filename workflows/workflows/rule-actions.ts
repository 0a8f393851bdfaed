// Runs what rules decided after a write commits: threshold and dedupe notifications.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities/rule-activities';
import type { RuleActions } from '../rule-actions';

const { runRuleNotifications } = proxyActivities<
  ReturnType<typeof activities.createRuleActivities>
>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** One execution per write with actions; the activity is idempotent on the write's key prefix. */
export async function ruleActionsWorkflow(actions: RuleActions): Promise<void> {
  await runRuleNotifications(actions);
}

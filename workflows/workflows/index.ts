// Every workflow the Baton worker registers; the SDK bundles this file for its sandbox.
export { flowInterpreterWorkflow } from './flow-interpreter';
export { flowScheduleTickWorkflow, flowSchedulesWorkflow } from './flow-schedules';
export { ruleActionsWorkflow } from './rule-actions';
export { spaceLifecycleWorkflow } from './space-lifecycle';
export { dailyLaiWorkflow, scheduledReportWorkflow } from './scheduled-report';

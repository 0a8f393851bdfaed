// Names shared by the schedule workflows, their activities and the API (no Node built-ins here).

/** What a schedule's action starts: the tick of one flow of one space. */
export interface FlowScheduleTick {
  readonly spaceKey: string;
  readonly flowKey: string;
}

export const flowSchedulesWorkflowType = 'flowSchedulesWorkflow';
export const flowScheduleTickWorkflowType = 'flowScheduleTickWorkflow';

/** The execution that applies a space's schedule changes after each publish. */
export function flowSchedulesWorkflowId(spaceKey: string): string {
  return `schedules/${spaceKey}`;
}

/** Prefix of every Temporal Schedule of a space. */
export function flowScheduleIdPrefix(spaceKey: string): string {
  return `baton/${spaceKey}/`;
}

/** The Temporal Schedule of a scheduled flow. */
export function flowScheduleId(spaceKey: string, flowKey: string): string {
  return `${flowScheduleIdPrefix(spaceKey)}${flowKey}`;
}

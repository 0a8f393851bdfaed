// The built-in formulas (PLAYBOOKS A6, B3, B5, B6) over recorded facts: the reference definitions
// the SQL in platform/metrics must match, and what the designer's previews compute in the browser.
import type { FormulaParams } from './metric-schema';

const dayMs = 86_400_000;
const hourMs = 3_600_000;

/** A lead as the formulas see it: system timestamps and how many of its listed fields are filled. */
export interface LeadFact {
  readonly id: string;
  readonly createdAt: number;
  /** Last write through the record write path (maintained by the platform, not typed by a rep). */
  readonly updatedAt: number;
  /** Of the health score's completeness fields, how many hold a value. */
  readonly filledFields?: number;
}

/** A recorded action (behaviour event) on a lead. */
export interface ActionFact {
  readonly recordId: string;
  readonly type: string;
  readonly at: number;
  /** The decision role the action reached (payload `role`). */
  readonly role?: string | null;
  /** The user who performed it (payload `actor`). */
  readonly actor?: string | null;
}

/** One stage change from the audit log. */
export interface StageChange {
  readonly recordId: string;
  readonly stage: string | null;
  readonly at: number;
}

/** The defaults of PLAYBOOKS A6/B5, resolved. */
export function resolveParams(params: FormulaParams = {}) {
  return {
    actionTypes: params.actionTypes ?? ['follow_up'],
    roleKey: params.roleKey ?? 'role',
    actorKey: params.actorKey ?? 'actor',
    freshDays: params.freshDays ?? 7,
    actionDays: params.actionDays ?? 30,
    minActions: params.minActions ?? 3,
    minRoles: params.minRoles ?? 2,
    completenessFields: params.completenessFields ?? [],
    channelField: params.channelField ?? 'source',
    gradeField: params.gradeField ?? 'need_grade',
    grade: params.grade ?? 'A',
    stage: params.stage,
    withinHours: params.withinHours ?? 72,
    snapshot: params.snapshot ?? false,
    credits: params.credits ?? {
      lead_introduced: 10,
      needs_diagnosis: 15,
      demo: 20,
      director_visit: 25,
      payment_push: 30,
    },
  };
}
export type ResolvedParams = ReturnType<typeof resolveParams>;

/** LAI weights (A6): freshness 40 %, action density 35 %, role coverage 25 %. */
export const laiWeights = { freshness: 0.4, actionDensity: 0.35, roleCoverage: 0.25 } as const;
/** Health-score weights: information completeness, action timeliness, role coverage. */
export const healthWeights = { completeness: 0.4, timeliness: 0.3, roles: 0.3 } as const;
/** A lead's health below this is red (A6). */
export const healthRedBelow = 60;

export interface LaiResult {
  readonly leads: number;
  /** Shares 0..1. */
  readonly freshness: number;
  readonly actionDensity: number;
  readonly roleCoverage: number;
  /** 0..100. */
  readonly lai: number;
}

function actionsOf(actions: readonly ActionFact[], types: readonly string[]) {
  const allowed = new Set(types);
  const byLead = new Map<string, ActionFact[]>();
  for (const a of actions) {
    if (!allowed.has(a.type)) continue;
    const list = byLead.get(a.recordId) ?? [];
    list.push(a);
    byLead.set(a.recordId, list);
  }
  return byLead;
}

/**
 * Lead Activity Index (A6): freshness = share of leads written within `freshDays`; action density
 * = share with ≥ `minActions` follow-ups in the last `actionDays`; role coverage = share whose
 * follow-ups reached ≥ `minRoles` distinct decision roles. LAI = 100 × weighted sum. Null without leads.
 * @example lai(leads, actions, now).lai // 71.5
 */
export function lai(
  leads: readonly LeadFact[],
  actions: readonly ActionFact[],
  now: number,
  params: FormulaParams = {},
): LaiResult | null {
  if (leads.length === 0) return null;
  const p = resolveParams(params);
  const byLead = actionsOf(actions, p.actionTypes);
  let fresh = 0;
  let dense = 0;
  let covered = 0;
  for (const lead of leads) {
    if (lead.updatedAt >= now - p.freshDays * dayMs) fresh += 1;
    const own = byLead.get(lead.id) ?? [];
    const recent = own.filter((a) => a.at > now - p.actionDays * dayMs && a.at <= now).length;
    if (recent >= p.minActions) dense += 1;
    if (distinctRoles(own) >= p.minRoles) covered += 1;
  }
  const n = leads.length;
  const result = { freshness: fresh / n, actionDensity: dense / n, roleCoverage: covered / n };
  const value =
    100 *
    (laiWeights.freshness * result.freshness +
      laiWeights.actionDensity * result.actionDensity +
      laiWeights.roleCoverage * result.roleCoverage);
  return { leads: n, ...result, lai: value };
}

function distinctRoles(actions: readonly ActionFact[]): number {
  return new Set(actions.map((a) => a.role).filter((r): r is string => !!r)).size;
}

/**
 * Per-lead health (A6), 0..100: completeness (filled / listed fields; 1 with none listed),
 * timeliness (1 when the last follow-up is ≤ `freshDays` old, falling linearly to 0 at
 * `actionDays`, 0 without any) and role coverage (distinct roles / `minRoles`, at most 1).
 */
export function healthScore(
  lead: LeadFact,
  actions: readonly ActionFact[],
  now: number,
  params: FormulaParams = {},
): number {
  const p = resolveParams(params);
  const own = actions.filter((a) => a.recordId === lead.id && p.actionTypes.includes(a.type));
  const listed = p.completenessFields.length;
  const completeness = listed === 0 ? 1 : Math.min(lead.filledFields ?? 0, listed) / listed;
  const last = own.reduce<number | null>((m, a) => (m === null || a.at > m ? a.at : m), null);
  let timeliness = 0;
  if (last !== null) {
    const ageDays = (now - last) / dayMs;
    if (ageDays <= p.freshDays) timeliness = 1;
    else if (ageDays < p.actionDays)
      timeliness = (p.actionDays - ageDays) / (p.actionDays - p.freshDays);
  }
  const roles = Math.min(distinctRoles(own) / p.minRoles, 1);
  return (
    100 *
    (healthWeights.completeness * completeness +
      healthWeights.timeliness * timeliness +
      healthWeights.roles * roles)
  );
}

/** Median of numbers (mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** Continuous percentile (PostgreSQL's percentile_cont); null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (position - low);
}

/**
 * Channel effectiveness (B3): per channel, leads graded `grade` / all leads of the channel.
 * @example channelEffectiveness([{ channel: 'expo', grade: 'A' }, { channel: 'expo', grade: 'C' }]) // Map { 'expo' => 0.5 }
 */
export function channelEffectiveness(
  leads: ReadonlyArray<{ readonly channel: string | null; readonly grade: string | null }>,
  grade = 'A',
): Map<string | null, number> {
  const totals = new Map<string | null, [number, number]>();
  for (const lead of leads) {
    const t = totals.get(lead.channel) ?? [0, 0];
    t[1] += 1;
    if (lead.grade === grade) t[0] += 1;
    totals.set(lead.channel, t);
  }
  return new Map([...totals].map(([k, [a, all]]) => [k, a / all]));
}

/** First-response median (A4/B6) in hours: from a lead's creation to its first follow-up. */
export function firstResponseMedianHours(
  leads: readonly LeadFact[],
  actions: readonly ActionFact[],
  params: FormulaParams = {},
): number | null {
  const byLead = actionsOf(actions, resolveParams(params).actionTypes);
  const waits: number[] = [];
  for (const lead of leads) {
    const own = byLead.get(lead.id);
    if (!own || own.length === 0) continue;
    waits.push((Math.min(...own.map((a) => a.at)) - lead.createdAt) / hourMs);
  }
  return median(waits);
}

/**
 * On-time response (A7's 72-hour follow-up rate): share of leads whose first recorded follow-up
 * came within `withinHours` of creation. Null without leads.
 */
export function responseWithin(
  leads: readonly LeadFact[],
  actions: readonly ActionFact[],
  params: FormulaParams = {},
): number | null {
  if (leads.length === 0) return null;
  const p = resolveParams(params);
  const byLead = actionsOf(actions, p.actionTypes);
  const onTime = leads.filter((lead) => {
    const own = byLead.get(lead.id);
    if (!own || own.length === 0) return false;
    return Math.min(...own.map((a) => a.at)) - lead.createdAt <= p.withinHours * hourMs;
  }).length;
  return onTime / leads.length;
}

/**
 * Stage dwell (B6) in days: for every stage a record entered and later left, the time between;
 * per stage, the median. A stage still occupied does not count.
 */
export function stageDwellDays(changes: readonly StageChange[]): Map<string, number> {
  const byRecord = new Map<string, StageChange[]>();
  for (const c of changes) byRecord.set(c.recordId, [...(byRecord.get(c.recordId) ?? []), c]);
  const dwells = new Map<string, number[]>();
  for (const list of byRecord.values()) {
    const sorted = [...list].sort((a, b) => a.at - b.at);
    sorted.forEach((change, i) => {
      const next = sorted[i + 1];
      if (!next || change.stage === null) return;
      dwells.set(change.stage, [
        ...(dwells.get(change.stage) ?? []),
        (next.at - change.at) / dayMs,
      ]);
    });
  }
  return new Map([...dwells].map(([stage, days]) => [stage, median(days) as number]));
}

/** Action fullness (B6): follow-up actions per lead (customer journey). Null without leads. */
export function actionFullness(
  leads: readonly LeadFact[],
  actions: readonly ActionFact[],
  params: FormulaParams = {},
): number | null {
  if (leads.length === 0) return null;
  const ids = new Set(leads.map((l) => l.id));
  const types = new Set(resolveParams(params).actionTypes);
  return actions.filter((a) => ids.has(a.recordId) && types.has(a.type)).length / leads.length;
}

/** Collaboration density: distinct people who acted on a lead, averaged over leads. */
export function collaborationDensity(
  leads: readonly LeadFact[],
  actors: ReadonlyArray<{ readonly recordId: string; readonly actor: string }>,
): number | null {
  if (leads.length === 0) return null;
  const byLead = new Map<string, Set<string>>();
  for (const a of actors)
    byLead.set(a.recordId, (byLead.get(a.recordId) ?? new Set()).add(a.actor));
  return leads.reduce((s, l) => s + (byLead.get(l.id)?.size ?? 0), 0) / leads.length;
}

/**
 * Contribution shares (B5): per customer, each person's credit points / all points on it.
 * @example contributionShares([{ recordId: 'c', type: 'demo', actor: 'u1', at: 0 }]) // Map { 'c' => Map { 'u1' => 1 } }
 */
export function contributionShares(
  actions: readonly ActionFact[],
  params: FormulaParams = {},
): Map<string, Map<string, number>> {
  const { credits } = resolveParams(params);
  const points = new Map<string, Map<string, number>>();
  for (const a of actions) {
    const credit = credits[a.type];
    if (credit === undefined || !a.actor) continue;
    const perActor = points.get(a.recordId) ?? new Map<string, number>();
    perActor.set(a.actor, (perActor.get(a.actor) ?? 0) + credit);
    points.set(a.recordId, perActor);
  }
  const shares = new Map<string, Map<string, number>>();
  for (const [record, perActor] of points) {
    const total = [...perActor.values()].reduce((s, v) => s + v, 0);
    if (total === 0) continue;
    shares.set(record, new Map([...perActor].map(([actor, v]) => [actor, v / total])));
  }
  return shares;
}

// The 线索急救包 first-aid kit (PLAYBOOKS A6): when a rep's LAI falls below target, three
// suggestions tailored to their own leads — what drags the index down most, naming the leads.
import type { LocalizedText } from '../localized-text';
import type { ResolvedParams } from './formulas';

/** One of the rep's leads as the daily LAI saw it. */
export interface FirstAidLead {
  readonly id: string;
  readonly name: string;
  /** Last write through the record write path, epoch ms. */
  readonly updatedAt: number;
  /** Follow-ups within the last `actionDays`. */
  readonly recentActions: number;
  /** Distinct decision roles reached by its follow-ups. */
  readonly roles: number;
}

export interface FirstAidSuggestion {
  /** `stale`, `sparse` or `roles` (a share of the index), or `focus` (one lead). */
  readonly kind: 'stale' | 'sparse' | 'roles' | 'focus';
  readonly leadIds: string[];
  readonly text: LocalizedText;
}

type KitParams = Pick<ResolvedParams, 'freshDays' | 'actionDays' | 'minActions' | 'minRoles'>;

const dayMs = 86_400_000;
const listed = (leads: readonly FirstAidLead[], max = 3) => {
  const names = leads.slice(0, max).map((l) => l.name);
  const more = leads.length > max ? leads.length - max : 0;
  return {
    zh: names.join('、') + (more ? ` 等 ${leads.length} 条` : ''),
    en: names.join(', ') + (more ? ` and ${more} more` : ''),
  };
};

/**
 * Three suggestions for one rep, most LAI points at stake first: a line per index component that
 * falls short (stale leads, too few follow-ups, too few decision roles), then the weakest single
 * leads to call first. Fewer than three only when the rep holds fewer leads to talk about.
 * @example firstAidKit(leads, Date.now(), resolveParams())[0].text['zh-CN'] // '2 条线索超过 7 天未更新…'
 */
export function firstAidKit(
  leads: readonly FirstAidLead[],
  now: number,
  params: KitParams,
): FirstAidSuggestion[] {
  const n = leads.length;
  if (n === 0) return [];
  const stale = leads.filter((l) => l.updatedAt < now - params.freshDays * dayMs);
  const sparse = leads.filter((l) => l.recentActions < params.minActions);
  const uncovered = leads.filter((l) => l.roles < params.minRoles);
  const components = [
    { kind: 'stale' as const, leads: stale, weight: 40 },
    { kind: 'sparse' as const, leads: sparse, weight: 35 },
    { kind: 'roles' as const, leads: uncovered, weight: 25 },
  ]
    .filter((c) => c.leads.length > 0)
    .sort((a, b) => (b.weight * b.leads.length) / n - (a.weight * a.leads.length) / n);

  const suggestions: FirstAidSuggestion[] = components.map((c) => {
    const names = listed(c.leads);
    const count = c.leads.length;
    const text: LocalizedText =
      c.kind === 'stale'
        ? {
            'zh-CN': `${count} 条线索超过 ${params.freshDays} 天未更新，今天先更新：${names.zh}`,
            en: `${count} lead(s) not updated for ${params.freshDays} days; update them today: ${names.en}`,
          }
        : c.kind === 'sparse'
          ? {
              'zh-CN': `${count} 条线索近 ${params.actionDays} 天有效跟进不足 ${params.minActions} 次，请补足跟进：${names.zh}`,
              en: `${count} lead(s) with fewer than ${params.minActions} follow-ups in ${params.actionDays} days: ${names.en}`,
            }
          : {
              'zh-CN': `${count} 条线索接触的决策链角色不足 ${params.minRoles} 个（如财务处长、设备科主任尚未接触）：${names.zh}`,
              en: `${count} lead(s) reached fewer than ${params.minRoles} decision roles (e.g. the head of finance not reached yet): ${names.en}`,
            };
    return { kind: c.kind, leadIds: c.leads.map((l) => l.id), text };
  });

  // The weakest leads first: fewest follow-ups, then fewest roles, then the longest untouched.
  const weakest = [...leads].sort(
    (a, b) => a.recentActions - b.recentActions || a.roles - b.roles || a.updatedAt - b.updatedAt,
  );
  for (const lead of weakest) {
    if (suggestions.length >= 3) break;
    const days = Math.floor((now - lead.updatedAt) / dayMs);
    suggestions.push({
      kind: 'focus',
      leadIds: [lead.id],
      text: {
        'zh-CN': `优先跟进「${lead.name}」：近 ${params.actionDays} 天跟进 ${lead.recentActions} 次，已接触 ${lead.roles} 个决策角色，${days} 天前更新`,
        en: `Call ${lead.name} first: ${lead.recentActions} follow-up(s) in ${params.actionDays} days, ${lead.roles} decision role(s) reached, updated ${days} day(s) ago`,
      },
    });
  }
  return suggestions.slice(0, 3);
}

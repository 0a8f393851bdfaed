// `#/rules/<space>[/<table>]`: the rule designer — scorecards with bands, assignment rules, CEL
// tagging rules — editing the draft, with the dry run against stored records and publish.
import { useState } from 'react';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { AssignmentRule } from '../../../runtime/rules/assignment-schema';
import type { Scorecard } from '../../../runtime/rules/scorecard-schema';
import type { TaggingRule } from '../../../runtime/rules/tagging-schema';
import { IssueList } from '../draft/IssueList';
import { LocalizedInput } from '../draft/LocalizedInput';
import { PublishDialog } from '../draft/PublishDialog';
import { SpaceGate } from '../draft/SpaceGate';
import { useDraft } from '../draft/useDraft';
import { useTr } from '../shell/locale-context';
import { navigate } from '../shell/router';
import type { SectionProps } from '../shell/sections';
import { AssignmentEditor } from './AssignmentEditor';
import { ConditionEditor } from './ConditionEditor';
import { DryRunPanel } from './DryRunPanel';
import { ScorecardEditor } from './ScorecardEditor';
import '../draft/admin.css';
import './rules.css';

type Rules = NonNullable<AppDefinition['rules']>;

function RuleDesigner({ space, tableKey }: { readonly space: string; readonly tableKey?: string }) {
  const { tr } = useTr();
  const { draft, error, dirty, issues, update, save } = useDraft(space);
  const [publishing, setPublishing] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  if (error) return <p className="error">{error}</p>;
  if (!draft) return <p>…</p>;
  const table = draft.tables.find((t) => t.key === tableKey) ?? draft.tables[0];
  if (!table) return <p>{tr({ 'zh-CN': '请先设计数据表。', en: 'Design a table first.' })}</p>;
  const rules: Rules = draft.rules ?? {};
  const setRules = (change: (r: Rules) => Rules) =>
    update((d) => ({ ...d, rules: change(d.rules ?? {}) }));
  const replace = <T extends { key: string }>(
    list: readonly T[] | undefined,
    key: string,
    next: T | null,
  ): T[] => (list ?? []).flatMap((x) => (x.key !== key ? [x] : next ? [next] : []));
  const cards = (rules.scorecards ?? []).filter((c) => c.table === table.key);
  const assignment = (rules.assignment ?? []).filter((a) => a.table === table.key);
  const tagging = (rules.tagging ?? []).filter(
    (t): t is Extract<TaggingRule, { kind: 'cel' }> => t.table === table.key && t.kind === 'cel',
  );
  const fresh = (prefix: string, taken: readonly { key: string }[]) => {
    for (let i = 1; ; i++)
      if (!taken.some((t) => t.key === `${prefix}_${i}`)) return `${prefix}_${i}`;
  };

  return (
    <div className="admin rules" data-testid="rule-designer">
      <div className="toolbar">
        <h2>{tr({ 'zh-CN': '规则', en: 'Rules' })}</h2>
        <select
          value={table.key}
          data-testid="rules-table"
          onChange={(e) => navigate('rules', space, e.target.value)}
        >
          {draft.tables.map((t) => (
            <option key={t.key} value={t.key}>
              {tr(t.label)} ({t.key})
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="save-rules"
          onClick={() =>
            void save().then(
              (found) =>
                setStatus(
                  found.length === 0
                    ? tr({ 'zh-CN': '草稿已保存，校验通过', en: 'Draft saved; it validates' })
                    : tr({
                        'zh-CN': `草稿已保存，有 ${found.length} 个问题`,
                        en: `Draft saved with ${found.length} problems`,
                      }),
                ),
              (e: unknown) => setStatus(String(e)),
            )
          }
        >
          {tr({ 'zh-CN': '保存草稿', en: 'Save draft' })}
          {dirty ? ' •' : ''}
        </button>
        <button type="button" className="primary" onClick={() => setPublishing(true)}>
          {tr({ 'zh-CN': '发布', en: 'Publish' })}
        </button>
        {status && (
          <span className="muted" data-testid="rules-status">
            {status}
          </span>
        )}
      </div>
      <IssueList issues={issues.filter((i) => i.pointer.startsWith('/rules'))} />

      <h3>{tr({ 'zh-CN': '评分卡', en: 'Scorecards' })}</h3>
      {cards.map((card) => (
        <ScorecardEditor
          key={card.key}
          space={space}
          table={table}
          card={card}
          onChange={(next: Scorecard) =>
            setRules((r) => ({ ...r, scorecards: replace(r.scorecards, card.key, next) }))
          }
          onDelete={() =>
            setRules((r) => ({ ...r, scorecards: replace(r.scorecards, card.key, null) }))
          }
        />
      ))}
      <button
        type="button"
        className="link"
        data-testid="add-scorecard"
        onClick={() =>
          setRules((r) => ({
            ...r,
            scorecards: [
              ...(r.scorecards ?? []),
              {
                key: fresh('score', r.scorecards ?? []),
                label: { 'zh-CN': '线索评分', en: 'Lead score' },
                table: table.key,
                rules: [
                  {
                    kind: 'field',
                    key: 'rule_1',
                    label: { 'zh-CN': '有手机号', en: 'Has a phone' },
                    when: 'true',
                    points: 10,
                  },
                ],
                bands: [
                  { key: 'cold', label: { 'zh-CN': '冷', en: 'Cold' }, min: 0, color: '#9fb3c8' },
                  { key: 'warm', label: { 'zh-CN': '温', en: 'Warm' }, min: 40, color: '#f0b429' },
                  { key: 'hot', label: { 'zh-CN': '热', en: 'Hot' }, min: 70, color: '#e12d39' },
                ],
              },
            ],
          }))
        }
      >
        + {tr({ 'zh-CN': '评分卡', en: 'scorecard' })}
      </button>

      <h3>{tr({ 'zh-CN': '分配规则', en: 'Assignment' })}</h3>
      {assignment.map((rule) => (
        <AssignmentEditor
          key={rule.key}
          space={space}
          table={table}
          rule={rule}
          onChange={(next: AssignmentRule) =>
            setRules((r) => ({ ...r, assignment: replace(r.assignment, rule.key, next) }))
          }
          onDelete={() =>
            setRules((r) => ({ ...r, assignment: replace(r.assignment, rule.key, null) }))
          }
        />
      ))}
      <button
        type="button"
        className="link"
        data-testid="add-assignment"
        onClick={() =>
          setRules((r) => ({
            ...r,
            assignment: [
              ...(r.assignment ?? []),
              {
                key: fresh('assign', r.assignment ?? []),
                table: table.key,
                entries: [
                  {
                    key: 'entry_1',
                    candidates: 'true',
                    strategy: 'least_loaded',
                    capacity: { metric: 'open_records', lessThan: 8 },
                  },
                ],
                fallback: { pool: 'public' },
              },
            ],
          }))
        }
      >
        + {tr({ 'zh-CN': '分配规则', en: 'assignment rule' })}
      </button>

      <h3>{tr({ 'zh-CN': '条件标签', en: 'Condition tags' })}</h3>
      {tagging.map((rule) => (
        <section key={rule.key} className="panel rule-card" data-testid={`tagging-${rule.key}`}>
          <div className="toolbar">
            <code>{rule.key}</code>
            <label>
              {tr({ 'zh-CN': '标签', en: 'Tags' })}{' '}
              <input
                value={rule.tags.join(', ')}
                data-testid={`tags-${rule.key}`}
                onChange={(e) =>
                  setRules((r) => ({
                    ...r,
                    tagging: replace(r.tagging, rule.key, {
                      ...rule,
                      tags: e.target.value
                        .split(/[,，]/)
                        .map((t) => t.trim())
                        .filter((t) => t !== ''),
                    }),
                  }))
                }
              />
            </label>
            {rule.label && (
              <LocalizedInput
                value={rule.label}
                onChange={(label) =>
                  setRules((r) => ({
                    ...r,
                    tagging: replace(r.tagging, rule.key, { ...rule, label }),
                  }))
                }
              />
            )}
          </div>
          <ConditionEditor
            space={space}
            table={table.key}
            fields={table.fields}
            value={rule.when}
            onChange={(when) =>
              setRules((r) => ({ ...r, tagging: replace(r.tagging, rule.key, { ...rule, when }) }))
            }
            testId={`tag-when-${rule.key}`}
          />
        </section>
      ))}
      <button
        type="button"
        className="link"
        data-testid="add-tagging"
        onClick={() =>
          setRules((r) => ({
            ...r,
            tagging: [
              ...(r.tagging ?? []),
              {
                key: fresh('tag', r.tagging ?? []),
                kind: 'cel',
                table: table.key,
                when: 'true',
                tags: ['新标签'],
              },
            ],
          }))
        }
      >
        + {tr({ 'zh-CN': '条件标签', en: 'condition tag' })}
      </button>

      <DryRunPanel space={space} table={table.key} draft={draft} />
      {publishing && (
        <PublishDialog space={space} save={save} onClose={() => setPublishing(false)} />
      )}
    </div>
  );
}

export default function RulesSection({ path }: SectionProps) {
  const [space, table] = path;
  if (!space) return <SpaceGate section="rules" />;
  return <RuleDesigner key={space} space={space} tableKey={table} />;
}

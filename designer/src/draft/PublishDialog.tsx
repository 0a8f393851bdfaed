// Publishing: saves the draft, shows every validation problem or the server's migration plan (each
// step with its SQL), then publishes it as a new version.
import { useEffect, useState } from 'react';
import { AdminApiError, definitionApi, type DefinitionIssue, type PublishPlan } from '../api/admin';
import { useTr } from '../shell/locale-context';
import { IssueList } from './IssueList';

type Phase =
  | { readonly kind: 'checking' }
  | { readonly kind: 'invalid'; readonly issues: readonly DefinitionIssue[] }
  | { readonly kind: 'plan'; readonly plan: PublishPlan }
  | { readonly kind: 'publishing' }
  | { readonly kind: 'published'; readonly plan: PublishPlan }
  | { readonly kind: 'failed'; readonly message: string };

const stepLabels: Record<string, { 'zh-CN': string; en: string }> = {
  create_table: { 'zh-CN': '新建数据表', en: 'Create table' },
  restore_table: { 'zh-CN': '恢复数据表', en: 'Restore table' },
  add_field: { 'zh-CN': '新增字段', en: 'Add field' },
  restore_field: { 'zh-CN': '恢复字段', en: 'Restore field' },
  change_type: { 'zh-CN': '修改字段类型', en: 'Change field type' },
  add_index: { 'zh-CN': '新增索引', en: 'Add index' },
  drop_index: { 'zh-CN': '删除索引', en: 'Drop index' },
  retire_field: { 'zh-CN': '隐藏字段（数据保留）', en: 'Retire field (data kept)' },
  retire_table: { 'zh-CN': '隐藏数据表（数据保留）', en: 'Retire table (data kept)' },
};

export function PublishDialog({
  space,
  save,
  onClose,
  onSelectIssue,
  onPublished,
}: {
  readonly space: string;
  readonly save: () => Promise<readonly DefinitionIssue[]>;
  readonly onClose: () => void;
  readonly onSelectIssue?: (pointer: string) => void;
  readonly onPublished?: (version: number) => void;
}) {
  const { tr } = useTr();
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  // The save of the moment the dialog opened; callers may hand a new function every render.
  const [saveOnOpen] = useState(() => save);

  useEffect(() => {
    let live = true;
    (async () => {
      const issues = await saveOnOpen();
      if (issues.length > 0) return { kind: 'invalid', issues } as const;
      return { kind: 'plan', plan: await definitionApi.preview(space) } as const;
    })().then(
      (next) => live && setPhase(next),
      (e: unknown) => live && setPhase(failure(e)),
    );
    return () => {
      live = false;
    };
  }, [saveOnOpen, space]);

  const publish = async () => {
    setPhase({ kind: 'publishing' });
    try {
      const plan = await definitionApi.publish(space);
      setPhase({ kind: 'published', plan });
      onPublished?.(plan.version);
    } catch (e) {
      setPhase(failure(e));
    }
  };

  return (
    <div className="dialog-backdrop" role="dialog" aria-modal="true" data-testid="publish-dialog">
      <div className="dialog">
        <h3>{tr({ 'zh-CN': '发布', en: 'Publish' })}</h3>
        {phase.kind === 'checking' && <p>{tr({ 'zh-CN': '正在校验…', en: 'Checking…' })}</p>}
        {phase.kind === 'invalid' && (
          <>
            <p className="error">
              {tr({
                'zh-CN': `草稿有 ${phase.issues.length} 个问题，修正后才能发布：`,
                en: `The draft has ${phase.issues.length} problem(s) to fix before publishing:`,
              })}
            </p>
            <IssueList
              issues={phase.issues}
              onSelect={(p) => {
                onSelectIssue?.(p);
                onClose();
              }}
            />
          </>
        )}
        {(phase.kind === 'plan' || phase.kind === 'published') && (
          <>
            <p>
              {tr({
                'zh-CN': `版本 ${phase.plan.fromVersion} → ${phase.plan.version}，共 ${phase.plan.steps.length} 步迁移：`,
                en: `Version ${phase.plan.fromVersion} → ${phase.plan.version}, ${phase.plan.steps.length} migration step(s):`,
              })}
            </p>
            {phase.plan.steps.length === 0 && (
              <p data-testid="no-migration">
                {tr({
                  'zh-CN': '数据库结构无需变更（只更新表单、规则或流程）',
                  en: 'No database change (forms, rules or flows only)',
                })}
              </p>
            )}
            <ol className="plan" data-testid="migration-plan">
              {phase.plan.steps.map((s, i) => (
                <li key={i}>
                  <strong>
                    {tr(stepLabels[s.step.kind] ?? { 'zh-CN': s.step.kind, en: s.step.kind })}
                  </strong>{' '}
                  <code>{String(s.step.table ?? '')}</code>
                  {s.sql.length > 0 && <pre>{s.sql.join(';\n')}</pre>}
                </li>
              ))}
            </ol>
          </>
        )}
        {phase.kind === 'publishing' && <p>{tr({ 'zh-CN': '正在发布…', en: 'Publishing…' })}</p>}
        {phase.kind === 'published' && (
          <p className="ok" data-testid="published">
            {tr({
              'zh-CN': `已发布版本 ${phase.plan.version}`,
              en: `Published version ${phase.plan.version}`,
            })}
          </p>
        )}
        {phase.kind === 'failed' && <p className="error">{phase.message}</p>}
        <div className="actions">
          {phase.kind === 'plan' && (
            <button
              type="button"
              className="primary"
              onClick={publish}
              data-testid="confirm-publish"
            >
              {tr({ 'zh-CN': '确认发布', en: 'Publish now' })}
            </button>
          )}
          <button type="button" onClick={onClose} data-testid="close-dialog">
            {tr({ 'zh-CN': '关闭', en: 'Close' })}
          </button>
        </div>
      </div>
    </div>
  );
}

function failure(e: unknown): Phase {
  if (e instanceof AdminApiError && e.code === 'DEFINITION_INVALID') {
    return { kind: 'invalid', issues: e.issues as DefinitionIssue[] };
  }
  return { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
}

// Upgrading a space to a newer pack version: preview the three-way merge, settle each conflict by
// picking a side, then apply. The new version is the shipped pack, or a template file.
import { useState } from 'react';
import type { Space } from '../api/client';
import {
  AdminApiError,
  templateApi,
  type TemplateConflict,
  type TemplateUpgradePlan,
} from '../api/admin';
import { useTr } from '../shell/locale-context';

type Side = 'ours' | 'theirs' | 'base';

const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));

export function TemplateUpgrade({ spaces }: { readonly spaces: readonly Space[] }) {
  const { tr } = useTr();
  const [space, setSpace] = useState('');
  const [template, setTemplate] = useState<unknown>(undefined);
  const [plan, setPlan] = useState<TemplateUpgradePlan | null>(null);
  const [sides, setSides] = useState<Record<string, Side>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (apply: boolean) => {
    setBusy(true);
    setFailure(null);
    try {
      const resolutions = Object.entries(sides).map(([pointer, take]) => ({ pointer, take }));
      const answer = await templateApi.upgrade(space, {
        ...(template === undefined ? {} : { template }),
        ...(apply ? { apply: true, resolutions } : {}),
      });
      setPlan(answer);
      if (!apply) setSides({});
    } catch (e) {
      setFailure(e instanceof AdminApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };
  const readFile = async (file: File | undefined) => {
    setPlan(null);
    setTemplate(file ? (JSON.parse(await file.text()) as unknown) : undefined);
  };
  const unresolved = plan?.conflicts.filter((c) => !sides[c.pointer]).length ?? 0;

  return (
    <section className="panel" data-testid="template-upgrade">
      <h3>
        {tr({ 'zh-CN': '升级数据空间的模板版本', en: 'Upgrade a space to a newer pack version' })}
      </h3>
      <p className="muted">
        {tr({
          'zh-CN':
            '三方合并：安装时的模板版本、空间当前发布的定义、新版本。双方的修改都保留；冲突需逐项选择。',
          en: "Three-way merge of the installed pack version, the space's published definition and the new version: changes on both sides are kept; conflicts are settled one by one.",
        })}
      </p>
      <div className="toolbar props">
        <label>
          {tr({ 'zh-CN': '数据空间', en: 'Space' })}
          <select
            value={space}
            onChange={(e) => {
              setSpace(e.target.value);
              setPlan(null);
            }}
            data-testid="upgrade-space"
          >
            <option value="">—</option>
            {spaces.map((s) => (
              <option key={s.key} value={s.key}>
                {tr(s.name)} ({s.key})
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr({ 'zh-CN': '新版本模板文件（可选）', en: 'New version file (optional)' })}
          <input
            type="file"
            accept="application/json,.json"
            onChange={(e) => void readFile(e.target.files?.[0])}
            data-testid="upgrade-file"
          />
        </label>
        <button
          type="button"
          disabled={!space || busy}
          onClick={() => void run(false)}
          data-testid="upgrade-preview"
        >
          {tr({ 'zh-CN': '预览合并', en: 'Preview' })}
        </button>
      </div>
      {failure && (
        <p className="error" data-testid="upgrade-error">
          {failure}
        </p>
      )}
      {plan && (
        <div data-testid="upgrade-plan">
          <p>
            {plan.from.key} {plan.from.version} → {plan.to.version} —{' '}
            {tr({
              'zh-CN': `${plan.changes.length} 处变更，${plan.conflicts.length} 个冲突`,
              en: `${plan.changes.length} change(s), ${plan.conflicts.length} conflict(s)`,
            })}
            {plan.addedUsers.length > 0 &&
              tr({
                'zh-CN': `，新增演示账号 ${plan.addedUsers.length} 个`,
                en: `, ${plan.addedUsers.length} new demo user(s)`,
              })}
          </p>
          {plan.draftPending && (
            <p className="error">
              {tr({
                'zh-CN': '该空间有未发布的草稿修改，请先发布或放弃后再升级。',
                en: 'The space has unpublished draft changes: publish or discard them first.',
              })}
            </p>
          )}
          {plan.issues.map((i) => (
            <p className="error" key={i.pointer}>
              {i.pointer} {tr(i.message)}
            </p>
          ))}
          {plan.conflicts.length > 0 && (
            <table className="grid">
              <thead>
                <tr>
                  <th>{tr({ 'zh-CN': '位置', en: 'Where' })}</th>
                  <th>{tr({ 'zh-CN': '安装时', en: 'Installed' })}</th>
                  <th>{tr({ 'zh-CN': '本空间', en: 'This space' })}</th>
                  <th>{tr({ 'zh-CN': '新版本', en: 'New version' })}</th>
                  <th>{tr({ 'zh-CN': '保留', en: 'Keep' })}</th>
                </tr>
              </thead>
              <tbody>
                {plan.conflicts.map((c: TemplateConflict) => (
                  <tr key={c.pointer} data-testid="upgrade-conflict">
                    <td className="code">{c.pointer}</td>
                    <td>{show(c.base)}</td>
                    <td>{show(c.ours)}</td>
                    <td>{show(c.theirs)}</td>
                    <td>
                      <select
                        value={sides[c.pointer] ?? ''}
                        onChange={(e) =>
                          setSides((s) => ({ ...s, [c.pointer]: e.target.value as Side }))
                        }
                        data-testid="upgrade-side"
                      >
                        <option value="">—</option>
                        <option value="ours">{tr({ 'zh-CN': '本空间', en: 'This space' })}</option>
                        <option value="theirs">
                          {tr({ 'zh-CN': '新版本', en: 'New version' })}
                        </option>
                        <option value="base">{tr({ 'zh-CN': '安装时', en: 'Installed' })}</option>
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {plan.applied ? (
            <p className="ok" data-testid="upgrade-applied">
              {tr({
                'zh-CN': `已升级，当前发布版本 ${plan.version}`,
                en: `Upgraded: published version ${plan.version}`,
              })}
            </p>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={busy || unresolved > 0 || plan.draftPending || plan.issues.length > 0}
              onClick={() => void run(true)}
              data-testid="upgrade-apply"
            >
              {tr({ 'zh-CN': '应用升级', en: 'Apply' })}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

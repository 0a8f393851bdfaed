// The template gallery: each starter pack with its parameters as a form; install into a new or an
// existing space and show what was installed; upgrade a space to a newer pack version.
import { useEffect, useState } from 'react';
import { api, type Space } from '../api/client';
import {
  AdminApiError,
  templateApi,
  type TemplateInstall,
  type TemplateSummary,
} from '../api/admin';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';
import '../draft/admin.css';
import { ParameterInput } from './ParameterInput';
import { TemplateUpgrade } from './TemplateUpgrade';

export default function TemplatesSection() {
  const { tr } = useTr();
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [spaces, setSpaces] = useState<Space[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    templateApi.list().then(setTemplates, (e: unknown) => setError(String(e)));
    api.listSpaces().then(setSpaces, () => undefined);
  }, []);
  return (
    <div className="admin" data-testid="template-gallery">
      <h2>{tr({ 'zh-CN': '行业模板', en: 'Starter packs' })}</h2>
      {error && <p className="error">{error}</p>}
      {templates?.map((t) => (
        <TemplateCard key={t.key} template={t} spaces={spaces} />
      ))}
      <TemplateUpgrade spaces={spaces} />
    </div>
  );
}

function TemplateCard({ template, spaces }: { template: TemplateSummary; spaces: Space[] }) {
  const { tr } = useTr();
  const [params, setParams] = useState<Record<string, unknown>>({});
  const [target, setTarget] = useState<'new' | string>('new');
  const [spaceKey, setSpaceKey] = useState(template.key.replace(/[^a-z0-9]/g, '_'));
  const [demo, setDemo] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TemplateInstall | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const install = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const space = target === 'new' ? spaceKey : target;
      setResult(
        await templateApi.install(template.key, {
          space,
          ...(target === 'new' ? { name: template.label } : {}),
          params,
          ...(demo ? { demo: true } : {}),
        }),
      );
    } catch (e) {
      setFailure(
        e instanceof AdminApiError
          ? `${e.code}: ${e.message}${e.issues.length ? ' — ' + e.issues.map((i) => `${i.pointer} ${typeof i.message === 'string' ? i.message : tr(i.message)}`).join('; ') : ''}`
          : String(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid={`template-${template.key}`}>
      <h3>
        {tr(template.label)} <span className="code">v{template.version}</span>
      </h3>
      <p>{tr(template.description)}</p>
      <div className="props template-params">
        {Object.entries(template.parameters).map(([key, parameter]) => (
          <ParameterInput
            key={key}
            name={key}
            parameter={parameter}
            value={params[key]}
            onChange={(v) =>
              setParams((p) => {
                const next = { ...p, [key]: v };
                if (v === undefined) delete next[key];
                return next;
              })
            }
          />
        ))}
      </div>
      <div className="toolbar props">
        <label>
          {tr({ 'zh-CN': '安装到', en: 'Install into' })}
          <select
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            data-testid="install-target"
          >
            <option value="new">{tr({ 'zh-CN': '新数据空间', en: 'A new space' })}</option>
            {spaces.map((s) => (
              <option key={s.key} value={s.key}>
                {tr(s.name)} ({s.key})
              </option>
            ))}
          </select>
        </label>
        {target === 'new' && (
          <label>
            {tr({ 'zh-CN': '空间标识', en: 'Space key' })}
            <input
              value={spaceKey}
              onChange={(e) => setSpaceKey(e.target.value)}
              data-testid="install-space"
            />
          </label>
        )}
        <label className="check">
          <input
            type="checkbox"
            checked={demo}
            onChange={(e) => setDemo(e.target.checked)}
            data-testid="install-demo"
          />
          {tr({ 'zh-CN': '含演示数据', en: 'With demo data' })}
        </label>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void install()}
          data-testid="install"
        >
          {busy
            ? tr({ 'zh-CN': '安装中…', en: 'Installing…' })
            : tr({ 'zh-CN': '安装', en: 'Install' })}
        </button>
        <span className="code">
          {tr({
            'zh-CN': `含 ${template.demoUsers} 个演示账号`,
            en: `${template.demoUsers} demo users`,
          })}
        </span>
      </div>
      {failure && <p className="error">{failure}</p>}
      {result && (
        <div data-testid="install-result">
          <p className="ok">
            {result.changed
              ? tr({
                  'zh-CN': `已安装到「${tr(result.space.name)}」，发布版本 ${result.version}`,
                  en: `Installed into “${tr(result.space.name)}”, published version ${result.version}`,
                })
              : tr({
                  'zh-CN': `「${tr(result.space.name)}」已是这些参数，无需重新发布（版本 ${result.version}）`,
                  en: `“${tr(result.space.name)}” already has these parameters (version ${result.version})`,
                })}{' '}
            <a href={routeHref('tables', result.space.key)}>
              {tr({ 'zh-CN': '打开设计器', en: 'Open the designer' })}
            </a>
          </p>
          {result.demo && (
            <p data-testid="install-demo-result">
              {tr({
                'zh-CN': `演示数据：新建 ${result.demo.created} 条线索（已有 ${result.demo.existing} 条），覆盖 ${Object.keys(result.demo.byStage).length} 个阶段。`,
                en: `Demo data: ${result.demo.created} leads created (${result.demo.existing} already there) across ${Object.keys(result.demo.byStage).length} stages.`,
              })}{' '}
              <a href={routeHref('rep', result.space.key)}>
                {tr({ 'zh-CN': '打开销售工作台', en: 'Open the rep app' })}
              </a>
            </p>
          )}
          <table className="grid">
            <thead>
              <tr>
                <th>{tr({ 'zh-CN': '演示账号', en: 'Demo user' })}</th>
                <th>E-mail</th>
                <th>{tr({ 'zh-CN': '角色', en: 'Roles' })}</th>
              </tr>
            </thead>
            <tbody>
              {result.users.map((u) => (
                <tr key={u.key}>
                  <td>{u.displayName}</td>
                  <td>{u.email}</td>
                  <td>{u.roles.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

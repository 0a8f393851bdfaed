// `#/flows/<space>/<flow>`: the flows of a space's draft, a new-flow form, and the flow designer.
import { useState, type FormEvent } from 'react';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import { definitionApi } from '../api/admin';
import { SpaceGate } from '../draft/SpaceGate';
import { useDraft } from '../draft/useDraft';
import { useTr } from '../shell/locale-context';
import { navigate, routeHref } from '../shell/router';
import type { SectionProps } from '../shell/sections';
import { FlowDesigner } from './FlowDesigner';
import type { DraftFlow } from './flow-model';
import './flows.css';

const keyPattern = /^[a-z][a-z0-9_]{0,62}$/;

function FlowList({ space }: { readonly space: string }) {
  const { tr, locale } = useTr();
  const { draft, error } = useDraft(space);
  const [key, setKey] = useState('');
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [table, setTable] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (error) return <p className="error">{error}</p>;
  if (!draft) return <p>…</p>;
  const flows = (draft.flows ?? []) as unknown as DraftFlow[];
  const tables = draft.tables.map((t) => t.key);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!keyPattern.test(key)) {
      setProblem(
        tr({
          'zh-CN': '标识须以小写字母开头，只含小写字母、数字和下划线',
          en: 'The key must start with a lower-case letter and hold only a-z, 0-9 and _',
        }),
      );
      return;
    }
    if (flows.some((f) => f.key === key)) {
      setProblem(tr({ 'zh-CN': '已有同名流程', en: 'A flow with this key exists' }));
      return;
    }
    const flow: DraftFlow = {
      key,
      label: { 'zh-CN': zh || key, en: en || key },
      table: table || tables[0] || '',
      trigger: { on: 'record.created' },
      nodes: [{ id: 'end', type: 'end' }],
      edges: [],
      layout: { end: { x: 0, y: 300 } },
    };
    const next = { ...draft, flows: [...(draft.flows ?? []), flow] } as unknown as AppDefinition;
    try {
      await definitionApi.saveDraft(space, next);
      setProblem(null);
      navigate('flows', space, key);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="admin" data-testid="flow-list">
      <h2>{tr({ 'zh-CN': '流程', en: 'Flows' })}</h2>
      <ul className="space-list">
        {flows.map((f) => (
          <li key={f.key}>
            <a href={routeHref('flows', space, f.key)} data-testid={`flow-${f.key}`}>
              {f.label?.[locale] ?? f.key} <code>{f.key}</code> · {f.table} · {f.nodes?.length ?? 0}{' '}
              {tr({ 'zh-CN': '个节点', en: 'nodes' })}
            </a>
          </li>
        ))}
      </ul>
      <form className="panel toolbar" onSubmit={create} data-testid="new-flow">
        <strong>{tr({ 'zh-CN': '新建流程', en: 'New flow' })}</strong>
        <input name="key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} />
        <input
          name="zh"
          placeholder="中文名称"
          value={zh}
          onChange={(e) => setZh(e.target.value)}
        />
        <input
          name="en"
          placeholder="English name"
          value={en}
          onChange={(e) => setEn(e.target.value)}
        />
        <select name="table" value={table} onChange={(e) => setTable(e.target.value)}>
          {tables.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <button type="submit">{tr({ 'zh-CN': '创建', en: 'Create' })}</button>
        {problem && (
          <span className="error" role="alert">
            {problem}
          </span>
        )}
      </form>
    </div>
  );
}

export default function FlowsSection({ path }: SectionProps) {
  const [space, flow] = path;
  if (!space) return <SpaceGate section="flows" />;
  if (!flow) return <FlowList space={space} />;
  return <FlowDesigner key={`${space}/${flow}`} space={space} flowKey={flow} />;
}

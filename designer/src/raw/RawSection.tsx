// Raw mode: the whole draft definition in a Monaco JSON editor, with the definition's JSON Schema
// (from the server) wired in for completion and errors, the server's own problems as markers;
// save, validate and publish.
import Editor from '@monaco-editor/react';
import { useEffect, useState } from 'react';
import { definitionApi, type DefinitionIssue } from '../api/admin';
import { IssueList } from '../draft/IssueList';
import { PublishDialog } from '../draft/PublishDialog';
import { SpaceGate } from '../draft/SpaceGate';
import { useTr } from '../shell/locale-context';
import type { SectionProps } from '../shell/sections';
import { locatePointer } from './locatePointer';
import { monaco } from './monaco-setup';
import '../draft/admin.css';

const schemaUri = 'https://baton.local/definition-schema.json';
const modelUri = (space: string) => `baton://definition/${space}.json`;

export default function RawSection({ path }: SectionProps) {
  const [space] = path;
  if (!space) return <SpaceGate section="raw" />;
  return <RawEditor space={space} />;
}

function RawEditor({ space }: { space: string }) {
  const { tr } = useTr();
  const [text, setText] = useState<string | null>(null);
  const [issues, setIssues] = useState<readonly DefinitionIssue[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);

  useEffect(() => {
    definitionApi.schema().then(
      (schema) =>
        monaco.json.jsonDefaults.setDiagnosticsOptions({
          validate: true,
          enableSchemaRequest: false,
          schemas: [{ uri: schemaUri, fileMatch: ['baton://definition/*'], schema }],
        }),
      () => undefined,
    );
    definitionApi.draft(space).then(
      (d) => setText(JSON.stringify(d.definition, null, 2)),
      (e: unknown) => setStatus(String(e)),
    );
  }, [space]);

  // The server's problems as editor markers, at the value each pointer names.
  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(modelUri(space)));
    if (!model) return;
    const source = model.getValue();
    monaco.editor.setModelMarkers(
      model,
      'baton-server',
      issues.flatMap((issue) => {
        const range = locatePointer(source, issue.pointer);
        if (!range) return [];
        const start = model.getPositionAt(range.start);
        const end = model.getPositionAt(range.end);
        return [
          {
            severity: monaco.MarkerSeverity.Error,
            message: `${tr(issue.message)} (${issue.code} ${issue.pointer})`,
            startLineNumber: start.lineNumber,
            startColumn: start.column,
            endLineNumber: end.lineNumber,
            endColumn: end.column,
          },
        ];
      }),
    );
    // Markers follow the issues of the last save, not every keystroke.
  }, [issues, space]);

  const parsed = (): unknown => {
    try {
      return JSON.parse(text ?? '');
    } catch (e) {
      setStatus(
        tr({ 'zh-CN': `JSON 语法错误：${String(e)}`, en: `JSON syntax error: ${String(e)}` }),
      );
      return undefined;
    }
  };
  const save = async (): Promise<readonly DefinitionIssue[]> => {
    const value = parsed();
    if (value === undefined) {
      return [
        {
          pointer: '',
          code: 'JSON_SYNTAX',
          message: { 'zh-CN': 'JSON 语法错误', en: 'JSON syntax error' },
        },
      ];
    }
    const result = await definitionApi.saveDraft(space, value);
    setIssues(result.issues);
    setStatus(
      result.valid
        ? tr({ 'zh-CN': '草稿已保存，校验通过', en: 'Draft saved and valid' })
        : tr({
            'zh-CN': `草稿已保存，有 ${result.issues.length} 个问题`,
            en: `Draft saved with ${result.issues.length} problem(s)`,
          }),
    );
    return result.issues;
  };
  const validate = async () => {
    await save();
    const result = await definitionApi.validate(space);
    setIssues(result.issues);
  };

  return (
    <div className="admin" data-testid="raw-editor">
      <div className="toolbar">
        <h2>
          {tr({ 'zh-CN': '源码模式', en: 'Raw definition' })} · <code>{space}</code>
        </h2>
        <button type="button" onClick={() => void save()} data-testid="raw-save">
          {tr({ 'zh-CN': '保存草稿', en: 'Save draft' })}
        </button>
        <button type="button" onClick={() => void validate()} data-testid="raw-validate">
          {tr({ 'zh-CN': '校验', en: 'Validate' })}
        </button>
        <button type="button" className="primary" onClick={() => setPublishing(true)}>
          {tr({ 'zh-CN': '发布…', en: 'Publish…' })}
        </button>
        {status && <span data-testid="raw-status">{status}</span>}
      </div>
      <IssueList issues={issues} />
      {text === null ? (
        <p>{tr({ 'zh-CN': '加载中…', en: 'Loading…' })}</p>
      ) : (
        <div className="panel" style={{ height: '70vh', padding: 0 }}>
          <Editor
            language="json"
            path={modelUri(space)}
            // Uncontrolled: a controlled `value` rewrites the whole text when a keystroke lands
            // between a render and its effect (see CelEditor). The text is only loaded once.
            defaultValue={text}
            onChange={(v) => setText(v ?? '')}
            options={{ minimap: { enabled: false }, fontSize: 13, tabSize: 2 }}
          />
        </div>
      )}
      {publishing && (
        <PublishDialog space={space} save={save} onClose={() => setPublishing(false)} />
      )}
    </div>
  );
}

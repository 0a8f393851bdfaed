// The advanced CEL editor: Monaco (from the local package) with a small CEL language — keywords
// and operators highlighted, `record.` completing the table's field names — and the server's type
// checker's errors underlined as the admin types.
import { useEffect, useLayoutEffect, useRef } from 'react';
import Editor, { type OnMount } from '@monaco-editor/react';
import type { FieldDefinition } from '../../../runtime/definition/field-schema';
import { designApi } from '../api/design';
import { monaco } from '../raw/monaco-setup';

let registered = false;
/** Fields offered after `record.`, for the editor that has focus. */
let completionFields: readonly FieldDefinition[] = [];

const functions = [
  'size',
  'has',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'timestamp',
  'duration',
  'int',
  'double',
  'string',
  'contains_any',
  'exists',
  'all',
  'map',
  'filter',
];

function registerCel(): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: 'cel' });
  monaco.languages.setMonarchTokensProvider('cel', {
    keywords: ['true', 'false', 'null', 'in'],
    variables: ['record', 'old', 'user', 'now', 'payload', 'labels'],
    tokenizer: {
      root: [
        [/"([^"\\]|\\.)*"/, 'string'],
        [/'([^'\\]|\\.)*'/, 'string'],
        [/\d+(\.\d+)?/, 'number'],
        [
          /[a-zA-Z_]\w*/,
          { cases: { '@keywords': 'keyword', '@variables': 'type', '@default': 'identifier' } },
        ],
        [/&&|\|\||==|!=|>=|<=|[<>!?:+\-*/%]/, 'operator'],
      ],
    },
  });
  monaco.languages.registerCompletionItemProvider('cel', {
    triggerCharacters: ['.'],
    provideCompletionItems(model, position) {
      const line = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(
        position.lineNumber,
        word.startColumn,
        position.lineNumber,
        word.endColumn,
      );
      if (/\b(record|old)\.\w*$/.test(line)) {
        return {
          suggestions: completionFields.map((f) => ({
            label: f.key,
            kind: monaco.languages.CompletionItemKind.Field,
            detail: `${f.type} · ${f.label['zh-CN']} / ${f.label.en}`,
            insertText: f.key,
            range,
          })),
        };
      }
      // Incomplete: Monaco asks again as the admin types on, so a list opened on `rec` gives way
      // to the field names once `record.` is complete (otherwise fast typing keeps the old list).
      return {
        incomplete: true,
        suggestions: [
          ...['record', 'now', 'user', 'old'].map((v) => ({
            label: v,
            kind: monaco.languages.CompletionItemKind.Variable,
            insertText: v,
            range,
          })),
          ...functions.map((f) => ({
            label: f,
            kind: monaco.languages.CompletionItemKind.Function,
            insertText: f,
            range,
          })),
        ],
      };
    },
  });
}

export interface CelEditorProps {
  readonly space: string;
  readonly table: string;
  readonly fields: readonly FieldDefinition[];
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly expect?: string;
  /** `user` in scope (assignment candidates). */
  readonly user?: boolean;
  readonly height?: number;
}

export default function CelEditor(props: CelEditorProps) {
  const { space, table, fields, value, onChange, expect = 'bool', user, height = 72 } = props;
  const editor = useRef<Parameters<OnMount>[0] | null>(null);
  const latest = useRef(fields);
  latest.current = fields;
  // The editor owns its text while the admin types. @monaco-editor/react's controlled `value`
  // replaces the whole text whenever the prop differs from the editor, and its effect runs a task
  // after the render: a keystroke landing in between was undone and redone, closing the completion
  // list (and jumping the cursor). Only a value that did not come from this editor is pushed in,
  // in a layout effect: it runs in the same task as the render, so no keystroke lands between.
  const emitted = useRef(value);
  useLayoutEffect(() => {
    const instance = editor.current;
    if (!instance || value === emitted.current || value === instance.getValue()) return;
    emitted.current = value;
    instance.setValue(value);
  }, [value]);

  // The server's checker, 400 ms after the last keystroke; its issues become markers.
  useEffect(() => {
    const timer = setTimeout(() => {
      const model = editor.current?.getModel();
      if (!model) return;
      designApi.checkCel(space, { table, expression: value, expect, user }).then(
        (check) => {
          if (model.isDisposed()) return;
          monaco.editor.setModelMarkers(
            model,
            'baton-cel',
            check.issues.map((i) => ({
              severity: monaco.MarkerSeverity.Error,
              message: `${i.code}: ${i.message}`,
              startLineNumber: i.line,
              startColumn: i.column,
              endLineNumber: i.endLine,
              endColumn: Math.max(i.endColumn, i.column + 1),
            })),
          );
          editor.current
            ?.getContainerDomNode()
            .setAttribute('data-issues', String(check.issues.length));
        },
        () => undefined,
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [space, table, value, expect, user]);

  return (
    <div className="cel-editor" data-testid="cel-editor">
      <Editor
        height={height}
        language="cel"
        defaultValue={value}
        beforeMount={registerCel}
        onMount={(instance) => {
          editor.current = instance;
          instance.onDidFocusEditorText(() => {
            completionFields = latest.current;
          });
        }}
        onChange={(v) => {
          emitted.current = v ?? '';
          onChange(emitted.current);
        }}
        options={{
          minimap: { enabled: false },
          lineNumbers: 'off',
          scrollBeyondLastLine: false,
          wordWrap: 'on',
          fontSize: 13,
          glyphMargin: false,
          folding: false,
          renderLineHighlight: 'none',
          overviewRulerLanes: 0,
        }}
      />
    </div>
  );
}

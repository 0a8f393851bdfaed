// Live preview of a form rendered by @rjsf/core from the compiled JSON Schema and uiSchema (checked
// without eval, see formValidator.ts), laid out
// in its sections and columns with CEL visibility; "test submit" posts to the records API and shows
// the server's per-field errors.
import Form from '@rjsf/core';
import type { ErrorSchema, ObjectFieldTemplateProps, RJSFSchema } from '@rjsf/utils';
import { useMemo, useState } from 'react';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import { compileForm, type CompiledSection } from '../../../runtime/forms/compile-form';
import type { FormDefinition } from '../../../runtime/forms/form-schema';
import { formVisibility } from '../../../runtime/forms/form-visibility';
import { AdminApiError, recordApi } from '../api/admin';
import { useTr } from '../shell/locale-context';
import { createFormValidator } from './formValidator';

interface LayoutContext {
  readonly sections: readonly CompiledSection[];
  readonly hiddenSections: ReadonlySet<string>;
  readonly hiddenFields: ReadonlySet<string>;
}

/** Lays the root object's fields out by section and column; nested objects render plainly. */
function SectionedObject(props: ObjectFieldTemplateProps) {
  const layout = props.registry.formContext as LayoutContext | undefined;
  const byName = new Map(props.properties.map((p) => [p.name, p.content]));
  if (!layout || props.fieldPathId.path.length > 0) {
    return <div>{props.properties.map((p) => p.content)}</div>;
  }
  return (
    <div className="form-sections">
      {props.title && <h4>{props.title}</h4>}
      {layout.sections
        .filter((s) => !layout.hiddenSections.has(s.key))
        .map((section) => (
          <fieldset key={section.key} data-testid={`preview-section-${section.key}`}>
            <legend>{section.title}</legend>
            <div
              className="form-columns"
              style={{ gridTemplateColumns: `repeat(${section.columns.length}, minmax(0, 1fr))` }}
            >
              {section.columns.map((column, c) => (
                <div key={c}>
                  {column
                    .filter((key) => !layout.hiddenFields.has(key))
                    .map((key) => (
                      <div key={key}>{byName.get(key)}</div>
                    ))}
                </div>
              ))}
            </div>
          </fieldset>
        ))}
    </div>
  );
}

export function FormPreview({
  space,
  definition,
  form,
  publishedVersion,
}: {
  readonly space: string;
  readonly definition: AppDefinition;
  readonly form: FormDefinition;
  readonly publishedVersion?: number;
}) {
  const { tr, locale } = useTr();
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [serverErrors, setServerErrors] = useState<ErrorSchema | undefined>();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const table = definition.tables.find((t) => t.key === form.table);
  const validator = useMemo(() => createFormValidator(locale), [locale]);
  const compiled = useMemo(() => {
    try {
      return table ? compileForm(definition, form, locale) : null;
    } catch {
      return null;
    }
  }, [definition, form, locale, table]);
  const visibility = useMemo(
    () =>
      compiled && table
        ? formVisibility(table, compiled, values, new Date().toISOString())
        : { hiddenSections: new Set<string>(), hiddenFields: new Set<string>() },
    [compiled, table, values],
  );
  if (!compiled || !table) return null;
  const schema = {
    ...compiled.schema,
    required: ((compiled.schema.required as string[] | undefined) ?? []).filter(
      (k) => !visibility.hiddenFields.has(k),
    ),
  } as RJSFSchema;

  const submit = async (data: Record<string, unknown>) => {
    setServerErrors(undefined);
    const visible = Object.fromEntries(
      Object.entries(data).filter(([k, v]) => !visibility.hiddenFields.has(k) && v !== undefined),
    );
    try {
      const { record } = await recordApi.create(space, form.table, visible);
      setResult({
        ok: true,
        text: tr({
          'zh-CN': `服务器已保存记录 ${String(record.id)}`,
          en: `The server saved record ${String(record.id)}`,
        }),
      });
    } catch (e) {
      if (e instanceof AdminApiError) {
        const errors: Record<string, { __errors: string[] }> = {};
        for (const issue of e.issues) {
          const key = issue.field ?? issue.pointer.split('/')[1] ?? '';
          const text = typeof issue.message === 'string' ? issue.message : tr(issue.message);
          (errors[key] ??= { __errors: [] }).__errors.push(text);
        }
        setServerErrors(errors as ErrorSchema);
        setResult({ ok: false, text: `${e.code}: ${e.message}` });
      } else setResult({ ok: false, text: String(e) });
    }
  };

  return (
    <div className="panel form-preview" data-testid="form-preview">
      <h3>{tr({ 'zh-CN': '实时预览', en: 'Live preview' })}</h3>
      <p className="code">
        {tr({
          'zh-CN': `测试提交写入已发布的数据表（当前已发布版本 ${publishedVersion ?? '?'}）`,
          en: `Test submits write to the published table (published version ${publishedVersion ?? '?'})`,
        })}
      </p>
      <Form
        schema={schema}
        uiSchema={{
          ...compiled.uiSchema,
          'ui:submitButtonOptions': { submitText: tr({ 'zh-CN': '测试提交', en: 'Test submit' }) },
        }}
        formData={values}
        validator={validator}
        formContext={{ ...visibility, sections: compiled.sections } satisfies LayoutContext}
        templates={{ ObjectFieldTemplate: SectionedObject }}
        extraErrors={serverErrors}
        showErrorList="top"
        noHtml5Validate
        onChange={(e) => setValues((e.formData ?? {}) as Record<string, unknown>)}
        onSubmit={(e) => void submit((e.formData ?? {}) as Record<string, unknown>)}
      />
      {result && (
        <p className={result.ok ? 'ok' : 'error'} data-testid="test-submit-result">
          {result.text}
        </p>
      )}
    </div>
  );
}

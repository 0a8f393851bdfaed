// An rjsf validator that needs no `eval`: the designer's Content-Security-Policy has no
// 'unsafe-eval', so ajv's generated code cannot run in the page. Checks the compiled form schemas
// with runtime/forms/check-form-values; the server still validates every write with ajv.
import {
  createErrorHandler,
  toErrorSchema,
  unwrapErrorHandler,
  validationDataMerge,
  type RJSFSchema,
  type RJSFValidationError,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';
import { checkFormValues } from '../../../runtime/forms/check-form-values';
import type { Locale } from '../../../runtime/localized-text';

/**
 * @example <Form validator={createFormValidator('zh-CN')} … />
 */
export function createFormValidator(locale: Locale): ValidatorType {
  const raw = (schema: RJSFSchema, formData: unknown): RJSFValidationError[] =>
    checkFormValues(schema as Record<string, unknown>, formData ?? {}).map((p) => {
      const property = p.pointer.replaceAll('/', '.');
      const message = p.message[locale];
      return {
        name: p.keyword,
        property,
        message,
        params: p.params,
        stack: `${property} ${message}`.trim(),
        schemaPath: '',
      };
    });
  return {
    validateFormData(formData, schema, customValidate, transformErrors, uiSchema) {
      let errors = raw(schema, formData);
      if (transformErrors) errors = transformErrors(errors, uiSchema);
      const data: ValidationData<unknown> = { errors, errorSchema: toErrorSchema(errors) };
      if (!customValidate) return data;
      const handler = customValidate(formData, createErrorHandler(formData), uiSchema);
      return validationDataMerge(data, unwrapErrorHandler(handler));
    },
    isValid: (schema, formData) => raw(schema, formData).length === 0,
    rawValidation: <Result>(schema: RJSFSchema, formData?: unknown) => ({
      errors: raw(schema, formData) as Result[],
    }),
  };
}

// Import errors: refusals of a whole request (400/404) and the per-row issues a job reports.
import type { LocalizedText } from '../../runtime/localized-text';
import { BatonError } from '../errors';

/** One problem with one row of the file. */
export interface RowIssue {
  /** The row as a spreadsheet shows it: the header is row 1, the first data row is 2. */
  readonly row: number;
  /** The file's column the value came from, when one did. */
  readonly column: string | null;
  readonly field: string | null;
  readonly code: string;
  readonly message: LocalizedText;
}

/** A mapping or option that does not fit the table or the file; `details.problems` names each. */
export class ImportOptionsInvalidError extends BatonError {
  constructor(readonly problems: readonly string[]) {
    super('IMPORT_OPTIONS_INVALID', 400, `import options invalid: ${problems.join('; ')}`, {
      problems,
    });
  }
}

/** The file could not be read as CSV or .xlsx. */
export class ImportFileUnreadableError extends BatonError {
  constructor(reason: string) {
    super('IMPORT_FILE_UNREADABLE', 400, `the file cannot be read: ${reason}`);
  }
}

/** Shorthand for a localized message. */
export function text(zh: string, en: string): LocalizedText {
  return { 'zh-CN': zh, en };
}

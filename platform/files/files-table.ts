// Row type of `platform.files`, as kysely sees it.
import type { ColumnType, Generated } from 'kysely';

export interface FilesTable {
  id: Generated<string>;
  space_id: string;
  /** Lower-case hex SHA-256 of the content; names the blob in the file store. */
  sha256: string;
  /** int8: postgres.js reads it as a string; written as a number. */
  size_bytes: ColumnType<string, number, never>;
  mime_type: string;
  original_name: string;
  created_at: Generated<Date>;
  created_by: string | null;
}

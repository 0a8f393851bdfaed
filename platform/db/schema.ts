// Row types of the `platform` schema, as kysely sees them.
import type { ColumnType, Generated } from 'kysely';
import type { LocalizedText } from '../../runtime/localized-text';

export interface SpacesTable {
  id: Generated<string>;
  key: string;
  name: LocalizedText;
  schema_name: string;
  status: 'provisioning' | 'active';
  created_at: Generated<Date>;
  activated_at: Date | null;
}

export interface OutboxTable {
  seq: ColumnType<string, never, never>;
  topic: string;
  workflow_type: string;
  workflow_id: string;
  signal_name: string;
  payload: Record<string, unknown>;
  created_at: Generated<Date>;
  delivered_at: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface TimelineTable {
  id: ColumnType<string, never, never>;
  space_id: string;
  subject: string;
  kind: string;
  data: Record<string, unknown>;
  idempotency_key: string;
  at: Generated<Date>;
}

export interface PlatformDatabase {
  'platform.spaces': SpacesTable;
  'platform.outbox': OutboxTable;
  'platform.timeline': TimelineTable;
}

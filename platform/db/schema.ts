// Row types of the `platform` schema, as kysely sees them.
import type { ColumnType, Generated } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { LocalizedText } from '../../runtime/localized-text';
import type {
  AdminAuditTable,
  ApiTokensTable,
  SessionsTable,
  UserPasswordsTable,
} from '../auth/auth-tables';
import type { FilesTable } from '../files/files-table';
import type { SpaceTemplatesTable } from '../templates/space-templates-table';
import type { ImportJobErrorsTable, ImportJobsTable } from '../imports/import-jobs-table';

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
  /** Arguments of the workflow when the entry starts it (signal-with-start). */
  workflow_args: unknown[] | null;
  /** false: only signal a running execution; a missing one is not an error. */
  start: Generated<boolean>;
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

export interface DefinitionVersionsTable {
  space_id: string;
  version: number;
  definition: AppDefinition;
  plan: unknown;
  published_at: Generated<Date>;
  published_by: string | null;
}

export interface DefinitionDraftsTable {
  space_id: string;
  definition: unknown;
  based_on_version: Generated<number>;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export type AuditSource = 'api' | 'form' | 'import' | 'flow' | 'intake' | 'rule';
export type AuditAction = 'create' | 'update' | 'delete' | 'restore';

export interface AuditLogTable {
  id: ColumnType<string, never, never>;
  space_id: string;
  table_key: string;
  record_id: string;
  action: AuditAction;
  field: string | null;
  before: unknown;
  after: unknown;
  actor: string | null;
  source: AuditSource;
  at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  manager_id: string | null;
  province: string | null;
  city: string | null;
  product_lines: Generated<string[]>;
  attributes: Generated<Record<string, unknown>>;
  away: Generated<boolean>;
  on_shift: Generated<boolean>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  /** Allowed everything, in every space. */
  platform_admin: Generated<boolean>;
}

export interface SpaceMembersTable {
  space_id: string;
  user_id: string;
  roles: Generated<string[]>;
}

export type NotificationChannel = 'inapp' | 'webhook' | 'email';

export interface NotificationsTable {
  id: ColumnType<string, never, never>;
  space_id: string;
  user_id: string | null;
  channel: NotificationChannel;
  /** E-mail address or webhook URL for external channels. */
  address: string | null;
  title: string;
  body: string;
  table_key: string | null;
  record_id: string | null;
  idempotency_key: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  error: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
  read_at: Date | null;
}

export interface RecordFreezesTable {
  space_id: string;
  table_key: string;
  record_id: string;
  flow_key: string;
  node: string;
  since: Generated<Date>;
}

export interface TasksTable {
  id: Generated<string>;
  space_id: string;
  table_key: string;
  record_id: string;
  flow_key: string | null;
  node: string | null;
  /** Recipient spec (`owner`, `role:supervisor`…) the task is for. */
  assignee: string;
  title: LocalizedText;
  due_at: Date;
  status: Generated<'open' | 'done' | 'cancelled'>;
  idempotency_key: string;
  created_at: Generated<Date>;
  completed_at: Date | null;
  completed_by: string | null;
}

export interface DedupeKeysTable {
  space_id: string;
  table_key: string;
  rule_key: string;
  key: string;
  record_id: string;
  created_at: Generated<Date>;
}

export interface AssignmentStateTable {
  space_id: string;
  rule_key: string;
  user_id: string;
  last_assigned_at: Date | null;
  assigned_count: Generated<number>;
}

export interface BehaviourEventsTable {
  id: ColumnType<string, never, never>;
  space_id: string;
  table_key: string;
  record_id: string;
  type: string;
  at: Date;
  payload: unknown;
  idempotency_key: string | null;
}

export interface IntakeDeliveriesTable {
  space_id: string;
  source: string;
  idempotency_key: string;
  status: number;
  response: unknown;
  created_at: Generated<Date>;
  /** The signature of a timestamped delivery: seen again under another key, it is a replay. */
  signature: Generated<string | null>;
}

export interface IntakeSecretsTable {
  id: ColumnType<string, never, never>;
  space_id: string;
  /** The source's `secretRef`, or its key. */
  source: string;
  secret: string;
  created_at: Generated<Date>;
  /** Null while current; when a newer secret replaced it. */
  rotated_at: Date | null;
}

export interface PlatformDatabase {
  'platform.spaces': SpacesTable;
  'platform.outbox': OutboxTable;
  'platform.timeline': TimelineTable;
  'platform.definition_versions': DefinitionVersionsTable;
  'platform.definition_drafts': DefinitionDraftsTable;
  'platform.audit_log': AuditLogTable;
  'platform.files': FilesTable;
  'platform.import_jobs': ImportJobsTable;
  'platform.import_job_errors': ImportJobErrorsTable;
  'platform.users': UsersTable;
  'platform.space_members': SpaceMembersTable;
  'platform.notifications': NotificationsTable;
  'platform.record_freezes': RecordFreezesTable;
  'platform.tasks': TasksTable;
  'platform.dedupe_keys': DedupeKeysTable;
  'platform.assignment_state': AssignmentStateTable;
  'platform.behaviour_events': BehaviourEventsTable;
  'platform.intake_deliveries': IntakeDeliveriesTable;
  'platform.intake_secrets': IntakeSecretsTable;
  'platform.user_passwords': UserPasswordsTable;
  'platform.sessions': SessionsTable;
  'platform.api_tokens': ApiTokensTable;
  'platform.admin_audit': AdminAuditTable;
  'platform.space_templates': SpaceTemplatesTable;
}

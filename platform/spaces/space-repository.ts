// Spaces (tenants / business units): each owns a PostgreSQL schema for its designed tables.
import { sql } from 'kysely';
import { quoteIdentifier } from '../../runtime/identifiers';
import type { LocalizedText } from '../../runtime/localized-text';
import { spaceWorkflowId, outboxEventSignalName } from '../../workflows/shared';
import type { Db } from '../db/database';
import { ConflictError, NotFoundError } from '../errors';
import { enqueueOutbox } from '../outbox/outbox-repository';

export interface Space {
  readonly id: string;
  readonly key: string;
  readonly name: LocalizedText;
  readonly schemaName: string;
  readonly status: 'provisioning' | 'active';
  readonly createdAt: string;
  readonly activatedAt: string | null;
}

export interface TimelineEntry {
  readonly id: string;
  readonly subject: string;
  readonly kind: string;
  readonly data: unknown;
  readonly at: string;
}

/** Name of the PostgreSQL schema that holds a space's tables. */
export function spaceSchemaName(key: string): string {
  return `space_${key}`;
}

/**
 * Creates a space, its schema and the `space.created` outbox entry in one transaction; the space
 * becomes `active` once its lifecycle workflow has run.
 * @example await createSpace(db, { key: 'meddev', name: { 'zh-CN': '医疗器械事业部', en: 'Medical devices' } })
 */
export async function createSpace(
  db: Db,
  input: { readonly key: string; readonly name: LocalizedText },
): Promise<Space> {
  const schemaName = spaceSchemaName(input.key);
  try {
    return await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('platform.spaces')
        .values({
          key: input.key,
          name: input.name,
          schema_name: schemaName,
          status: 'provisioning',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await sql`create schema ${sql.raw(quoteIdentifier(schemaName))}`.execute(tx);
      await enqueueOutbox(tx, {
        topic: 'space.created',
        workflowType: 'spaceLifecycleWorkflow',
        workflowId: spaceWorkflowId(input.key),
        signalName: outboxEventSignalName,
        payload: { spaceId: row.id, spaceKey: input.key },
      });
      return toSpace(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError('SPACE_EXISTS', `space "${input.key}" already exists`, {
        key: input.key,
      });
    }
    throw error;
  }
}

export async function listSpaces(db: Db): Promise<Space[]> {
  const rows = await db.selectFrom('platform.spaces').selectAll().orderBy('created_at').execute();
  return rows.map(toSpace);
}

/** The space with this key, or a 404-mapped error. */
export async function getSpaceOrThrow(db: Db, key: string): Promise<Space> {
  const row = await db
    .selectFrom('platform.spaces')
    .selectAll()
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('space', key);
  return toSpace(row);
}

/** Timeline entries of one subject in a space, oldest first. */
export async function listTimeline(
  db: Db,
  spaceId: string,
  subject: string,
  limit = 200,
): Promise<TimelineEntry[]> {
  const rows = await db
    .selectFrom('platform.timeline')
    .select(['id', 'subject', 'kind', 'data', 'at'])
    .where('space_id', '=', spaceId)
    .where('subject', '=', subject)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}

function toSpace(row: {
  id: string;
  key: string;
  name: LocalizedText;
  schema_name: string;
  status: 'provisioning' | 'active';
  created_at: Date;
  activated_at: Date | null;
}): Space {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    schemaName: row.schema_name,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    activatedAt: row.activated_at === null ? null : new Date(row.activated_at).toISOString(),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // 23505 unique_violation; 42P06 duplicate_schema (a schema left behind by a purged space).
  return code === '23505' || code === '42P06';
}

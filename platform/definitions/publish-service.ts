// Publishing: validate the draft, plan the migration, check casts, apply DDL and store version N+1.
import { sql, type Transaction } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { DefinitionIssue } from '../../runtime/definition/definition-issue';
import { storageOf } from '../../runtime/definition/field-storage';
import { planMigration, type MigrationStep } from '../../runtime/definition/migration-plan';
import { validateDefinition, type CelChecker } from '../../runtime/definition/validate-definition';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { Db } from '../db/database';
import type { PlatformDatabase } from '../db/schema';
import { BatonError } from '../errors';
import type { Space } from '../spaces/space-repository';
import { castCanFail, sqlTypeName, tableRef } from './column-sql';
import { getDraft, getPublished, saveDraft } from './definition-store';
import { renderStep } from './migration-sql';
import { enqueueScheduleSync } from '../flows/flow-schedules';
import { forgetSpaceVersions } from '../records/table-context';

/** The draft does not validate; `details.issues` lists every problem. */
export class DefinitionInvalidError extends BatonError {
  constructor(readonly issues: readonly DefinitionIssue[]) {
    super(
      'DEFINITION_INVALID',
      422,
      `the definition has ${issues.length} problem(s): ${issues
        .slice(0, 3)
        .map((i) => `${i.pointer} ${i.message.en}`)
        .join('; ')}`,
      { issues },
    );
  }
}

/** A type change would leave values behind that do not convert. */
export class CastWouldFailError extends BatonError {
  constructor(readonly reports: readonly CastReport[]) {
    const failing = reports.filter((r) => r.failing > 0);
    super(
      'TYPE_CHANGE_WOULD_FAIL',
      409,
      failing
        .map((r) => `${r.table}.${r.field}: ${r.failing} value(s) cannot become ${r.to}`)
        .join('; '),
      { casts: failing },
    );
  }
}

/** A DDL statement failed (e.g. a unique index over duplicate values); nothing was applied. */
export class MigrationFailedError extends BatonError {
  constructor(index: number, step: MigrationStep, statement: string, cause: unknown) {
    const reason = (cause as { message?: string } | null)?.message ?? String(cause);
    const field =
      'field' in step ? ` ${typeof step.field === 'string' ? step.field : step.field.key}` : '';
    super(
      'MIGRATION_FAILED',
      409,
      `step ${index + 1} (${step.kind} ${step.table}${field}) failed: ${reason}; nothing was applied`,
      {
        step,
        sql: statement,
        reason,
      },
    );
  }
}

export interface CastReport {
  readonly table: string;
  readonly field: string;
  readonly from: string;
  readonly to: string;
  /** Non-empty values that convert. */
  readonly clean: number;
  readonly failing: number;
  /** Up to 20 values that would not convert, with their record ids. */
  readonly samples: ReadonlyArray<{ readonly id: string; readonly value: string }>;
}

export interface PlannedStep {
  readonly step: MigrationStep;
  readonly sql: readonly string[];
  readonly cast?: CastReport;
}

export interface PublishPlan {
  readonly fromVersion: number;
  readonly version: number;
  readonly steps: readonly PlannedStep[];
  readonly definition: AppDefinition;
}

export interface PublishOptions {
  readonly checkCel?: CelChecker;
  readonly actor?: string | null;
  /**
   * Work that commits or rolls back with the publish, run last inside its transaction: the admin
   * audit entry recording it.
   */
  readonly within?: (tx: Transaction<PlatformDatabase>, plan: PublishPlan) => Promise<void>;
}

/**
 * Computes the plan publishing the draft would apply, SQL and cast checks included, and changes
 * nothing.
 */
export async function previewPublish(
  db: Db,
  space: Space,
  options: PublishOptions = {},
): Promise<PublishPlan> {
  return db.transaction().execute(async (tx) => {
    // A read-only transaction: the preview cannot change anything, whatever the plan holds.
    await sql`set transaction read only`.execute(tx);
    return planDraft(tx, space, options);
  });
}

/**
 * Publishes the draft as version N+1: DDL, version row and draft bookkeeping commit together, or
 * nothing does. Concurrent publishes of one space queue on the space row.
 */
export async function publishDraft(
  db: Db,
  space: Space,
  options: PublishOptions = {},
): Promise<PublishPlan> {
  const done = await db.transaction().execute(async (tx) => {
    await tx
      .selectFrom('platform.spaces')
      .select('id')
      .where('id', '=', space.id)
      .forUpdate()
      .execute();
    const plan = await planDraft(tx, space, options);
    const refused = plan.steps.flatMap((s) => (s.cast && s.cast.failing > 0 ? [s.cast] : []));
    if (refused.length > 0) throw new CastWouldFailError(refused);
    await enqueueScheduleSync(tx, space, plan.definition);
    for (const [index, planned] of plan.steps.entries()) {
      for (const statement of planned.sql) {
        try {
          await sql.raw(statement).execute(tx);
        } catch (error) {
          throw new MigrationFailedError(index, planned.step, statement, error);
        }
      }
    }
    await tx
      .insertInto('platform.definition_versions')
      .values({
        space_id: space.id,
        version: plan.version,
        definition: plan.definition,
        plan: plan.steps.map(({ step, sql: statements }) => ({ ...step, sql: statements })),
        published_by: options.actor ?? null,
      })
      .execute();
    await saveDraft(tx, space.id, plan.definition, plan.version, options.actor ?? null);
    await options.within?.(tx, plan);
    return plan;
  });
  // This process reads the new version at once; others hear the NOTIFY of migration 0050.
  forgetSpaceVersions(db);
  return done;
}

async function planDraft(
  tx: Transaction<PlatformDatabase>,
  space: Space,
  options: PublishOptions,
): Promise<PublishPlan> {
  const published = await getPublished(tx, space.id);
  const draft = await getDraft(tx, space.id);
  const validated = validateDefinition(draft.definition, {
    previous: published.version > 0 ? published.definition : undefined,
    checkCel: options.checkCel,
  });
  if (!validated.ok) throw new DefinitionInvalidError(validated.issues);
  const version = published.version + 1;
  const migration = planMigration(
    published.version > 0 ? published.definition : undefined,
    validated.value,
    version,
  );
  const steps: PlannedStep[] = [];
  for (const step of migration.steps) {
    const statements = renderStep(space.schemaName, step);
    const cast =
      step.kind === 'change_type' && step.change === 'cast'
        ? await checkCast(tx, space.schemaName, step)
        : undefined;
    steps.push(cast ? { step, sql: statements, cast } : { step, sql: statements });
  }
  return { fromVersion: published.version, version, steps, definition: migration.definition };
}

async function checkCast(
  tx: Transaction<PlatformDatabase>,
  schema: string,
  step: Extract<MigrationStep, { kind: 'change_type' }>,
): Promise<CastReport> {
  const from = storageOf(step.from);
  const to = storageOf(step.to);
  const report = { table: step.table, field: step.to.key, from: step.from.type, to: step.to.type };
  const table = sql.raw(tableRef(schema, step.table));
  const column = sql.raw(q(step.to.key));
  if (!castCanFail(from, to)) {
    const counted = await sql<{ n: string }>`select count(${column}) as n from ${table}`.execute(
      tx,
    );
    return { ...report, clean: Number(counted.rows[0]?.n ?? 0), failing: 0, samples: [] };
  }
  const type = sqlTypeName(to);
  const value = sql`nullif(btrim(${column}), '')`;
  const bad = sql`${value} is not null and not pg_input_is_valid(btrim(${column}), ${type})`;
  const counts = await sql<{ present: string; failing: string }>`
    select count(${value}) as present, count(*) filter (where ${bad}) as failing from ${table}`.execute(
    tx,
  );
  const present = Number(counts.rows[0]?.present ?? 0);
  const failing = Number(counts.rows[0]?.failing ?? 0);
  const samples =
    failing === 0
      ? []
      : (
          await sql<{
            id: string;
            value: string;
          }>`select id, ${column} as value from ${table} where ${bad} order by created_at limit 20`.execute(
            tx,
          )
        ).rows;
  return { ...report, clean: present - failing, failing, samples };
}

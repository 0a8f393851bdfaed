// Demo mode: fills an installed space with the demo leads of `demo-data-plan`, through the one write
// path (rules assign owners, flows start on Temporal through the outbox); a second run adds nothing.
import { sql } from 'kysely';
import type { Template } from '../../runtime/templates/template-schema';
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import type { FileStore } from '../files/file-store';
import { uploadFile } from '../files/file-service';
import { submitVerdict } from '../flows/flow-service';
import { createRecord } from '../records/record-service';
import { resolveTable } from '../records/table-context';
import { getSpaceOrThrow } from '../spaces/space-repository';
import { planDemoLeads, type DemoAttachment } from './demo-data-plan';
import { getInstalledTemplate, markDemoSeeded } from './installed-template-repository';

/** 400: demo data fills a `lead` table with a `phone` field; this space has none. */
export class DemoUnsupportedError extends BatonError {
  constructor(space: string) {
    super(
      'DEMO_UNSUPPORTED',
      400,
      `space "${space}" has no "lead" table with a "phone" field to fill with demo data`,
    );
  }
}

export interface DemoDataOptions {
  readonly files: FileStore;
  readonly seed?: number;
  readonly perStage?: number;
  /**
   * How long to wait for each staged lead's handover to reach its verdict step before giving the
   * receiving rep's "valid" verdict (0: leave handovers pending). Needs a running worker.
   */
  readonly settleHandoversMs?: number;
}

export interface DemoDataResult {
  readonly created: number;
  /** Leads a previous run already created (matched by phone). */
  readonly existing: number;
  /** Leads per stage after the run (`(none)` for leads without a stage). */
  readonly byStage: Readonly<Record<string, number>>;
  /** Handovers of staged leads the run accepted. */
  readonly accepted: number;
}

/**
 * Creates the demo leads of a space installed from a pack: deterministic (same seed, same leads),
 * once (a space whose demo data is recorded as generated gets none again; after an interrupted run
 * the leads already there, matched by phone, are not created again) and through the
 * normal pipeline, so tags, scores, owners and the pack's flows (first-response escalations,
 * handovers) are real. Evidence files the stage gates require are uploaded and attached.
 * @example await seedDemoData(db, 'meddev', { files: store, settleHandoversMs: 20_000 })
 */
export async function seedDemoData(
  db: Db,
  spaceKey: string,
  options: DemoDataOptions,
): Promise<DemoDataResult> {
  const space = await getSpaceOrThrow(db, spaceKey);
  const installed = await getInstalledTemplate(db, space.id);
  const context = await resolveTable(db, spaceKey, 'lead').catch((error: unknown) => {
    if (error instanceof BatonError && error.status === 404)
      throw new DemoUnsupportedError(spaceKey);
    throw error;
  });
  if (installed?.demoSeededAt) {
    const byStage = await countByStage(db, context.ref);
    const total = Object.values(byStage).reduce((a, b) => a + b, 0);
    return { created: 0, existing: total, byStage, accepted: 0 };
  }
  if (context.fields.get('phone')?.type !== 'phone') throw new DemoUnsupportedError(spaceKey);
  const users = await demoUsersOf(db, space.id, installed?.template);
  const plan = planDemoLeads(context.definition, 'lead', users, {
    seed: options.seed,
    perStage: options.perStage,
  });
  const phones = plan.map((l) => l.phone);
  const existingRows = await sql<{ phone: string }>`
    select phone from ${sql.raw(context.ref)} where phone = any(${phones})`.execute(db);
  const existing = new Set(existingRows.rows.map((r) => r.phone));

  const staged: string[] = [];
  let created = 0;
  for (const lead of plan) {
    if (existing.has(lead.phone)) continue;
    const files: Record<string, string[]> = {};
    for (const [field, attachments] of Object.entries(lead.attachments)) {
      files[field] = [];
      for (const attachment of attachments) {
        const file = await uploadFile(db, options.files, {
          spaceId: space.id,
          stream: demoFileBytes(attachment),
          originalName: attachment.name,
          createdBy: null,
          maxBytes: 1024 * 1024,
        });
        files[field].push(file.id);
      }
    }
    const record = await createRecord(
      db,
      context,
      { ...lead.values, ...files, ...(lead.stage ? { stage: lead.stage } : {}) },
      { actor: null, source: 'import' },
    );
    created++;
    if (lead.contacted && lead.stage !== (context.table.stages?.[0]?.key ?? null))
      staged.push(String(record.id));
  }
  const accepted =
    (options.settleHandoversMs ?? 0) > 0
      ? await acceptHandovers(db, context, staged, options.settleHandoversMs!)
      : 0;
  await markDemoSeeded(db, space.id);
  return {
    created,
    existing: existing.size,
    byStage: await countByStage(db, context.ref),
    accepted,
  };
}

/** The pack's demo users as installed, with the region and product lines they have now. */
async function demoUsersOf(db: Db, spaceId: string, template: Template | undefined) {
  const rows = await db
    .selectFrom('platform.space_members as m')
    .innerJoin('platform.users as u', 'u.id', 'm.user_id')
    .select(['u.email', 'u.display_name', 'u.province', 'u.city', 'u.product_lines', 'm.roles'])
    .where('m.space_id', '=', spaceId)
    .orderBy('u.email')
    .execute();
  const order = new Map((template?.demoUsers ?? []).map((u, i) => [u.email.toLowerCase(), i]));
  return rows
    .sort((a, b) => (order.get(a.email) ?? 1e9) - (order.get(b.email) ?? 1e9))
    .map((r, i) => ({
      key: `u${i}`,
      email: r.email,
      displayName: r.display_name,
      province: r.province,
      city: r.city,
      productLines: [...r.product_lines],
      roles: [...r.roles],
    }));
}

/**
 * Gives "valid" on the pending handover of each lead that is past its first stage, as its rep would
 * have: the execution freezes the record when it reaches the handover, so wait for that first.
 */
async function acceptHandovers(
  db: Db,
  context: Awaited<ReturnType<typeof resolveTable>>,
  ids: readonly string[],
  waitMs: number,
): Promise<number> {
  const flows = (context.definition.flows ?? []).filter(
    (f) => f.table === context.table.key && f.nodes.some((n) => n.type === 'handover'),
  );
  if (flows.length === 0 || ids.length === 0) return 0;
  const pending = new Set(ids);
  let accepted = 0;
  const deadline = Date.now() + waitMs;
  while (pending.size > 0 && Date.now() < deadline) {
    const frozen = await db
      .selectFrom('platform.record_freezes')
      .select(['record_id', 'flow_key'])
      .where('space_id', '=', context.space.id)
      .where('table_key', '=', context.table.key)
      .where('record_id', 'in', [...pending])
      .execute();
    for (const row of frozen) {
      await submitVerdict(db, context, row.record_id, { flow: row.flow_key, verdict: 'valid' });
      pending.delete(row.record_id);
      accepted++;
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return accepted;
}

async function countByStage(db: Db, ref: string): Promise<Record<string, number>> {
  const rows = await sql<{ stage: string | null; n: string }>`
    select stage, count(*) as n from ${sql.raw(ref)} group by stage`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.stage ?? '(none)', Number(r.n)]));
}

/** A small valid PDF or PNG whose bytes differ per name (so each upload is its own blob). */
function demoFileBytes(attachment: DemoAttachment): Uint8Array {
  if (attachment.kind === 'pdf') {
    const title = encodeURIComponent(attachment.name);
    return new TextEncoder().encode(
      `%PDF-1.4\n1 0 obj << /Title (${title}) /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    );
  }
  const name = new TextEncoder().encode(attachment.name);
  // A PNG signature and IHDR chunk header, then the name as a private chunk's data.
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0,
    0,
    0,
    13,
    0x49,
    0x48,
    0x44,
    0x52,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    1,
    8,
    2,
    0,
    0,
    0,
    0x90,
    0x77,
    0x53,
    0xde,
    ...name,
  ]);
}

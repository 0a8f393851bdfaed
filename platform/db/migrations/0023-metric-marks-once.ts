// Metric pre-aggregates: a slot already marked for a pre-aggregate is not marked again, so marks stay
// bounded by slots × pre-aggregates however many writes touch them (a dashboard nobody opens would
// otherwise collect one mark per write). A writer that finds the mark takes a key-share lock on it:
// a recompute deleting that mark waits for the writer to commit, so it reads the write; a mark
// already deleted is not found and the writer marks anew.
import { sql, type Kysely, type Migration } from 'kysely';

export const metricMarksOnce: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create or replace function platform.mark_metric_slots(p_space uuid, p_table text, p_slots timestamp[])
      returns void language sql as $$
        insert into platform.metric_dirty_slots (space_id, hash, slot)
        select p.space_id, p.hash, d.slot
        from platform.metric_preaggregates p, unnest(p_slots) d(slot)
        where p.space_id = p_space and p.table_key = p_table and d.slot is not null
          and not exists (select 1 from platform.metric_dirty_slots m
            where m.space_id = p.space_id and m.hash = p.hash and m.slot = d.slot
            for key share of m)
      $$`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`
      create or replace function platform.mark_metric_slots(p_space uuid, p_table text, p_slots timestamp[])
      returns void language sql as $$
        insert into platform.metric_dirty_slots (space_id, hash, slot)
        select p.space_id, p.hash, d.slot
        from platform.metric_preaggregates p, unnest(p_slots) d(slot)
        where p.space_id = p_space and p.table_key = p_table and d.slot is not null
      $$`.execute(db);
  },
};

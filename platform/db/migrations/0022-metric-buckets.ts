// Metric pre-aggregates: per metric (and group-by), per UTC hour of the records' creation (a slot)
// and group, the partial aggregates of that hour's records; and the slots that writes have made
// stale since. A write marks the slots it touches in its own transaction (triggers), so a slot that
// is covered and not marked holds exactly what recomputing it would give.
import { sql, type Kysely, type Migration } from 'kysely';

export const metricBuckets: Migration = {
  async up(db: Kysely<unknown>) {
    // Which pre-aggregates exist; a write to their table marks slots for each of them.
    await sql`
      create table platform.metric_preaggregates (
        space_id uuid not null references platform.spaces (id),
        hash text not null,
        table_key text not null,
        metric_key text not null,
        group_by text not null,
        registered_at timestamptz not null default now(),
        primary key (space_id, hash)
      )`.execute(db);
    await sql`create index metric_preaggregates_table on platform.metric_preaggregates (space_id, table_key)`.execute(
      db,
    );
    // Slots whose buckets were computed (a covered slot with no records has no bucket rows).
    await sql`
      create table platform.metric_bucket_slots (
        space_id uuid not null,
        hash text not null,
        slot timestamp not null,
        computed_at timestamptz not null default now(),
        primary key (space_id, hash, slot)
      )`.execute(db);
    // n: records; nc: records the measure counts; s / c / mn / mx: sum, count, min, max of the
    // per-record value; vals / vals2: the per-record values where the final figure needs them all
    // (medians, percentiles; the health score's clock-free part and last action time).
    await sql`
      create table platform.metric_buckets (
        space_id uuid not null,
        hash text not null,
        slot timestamp not null,
        keys text[] not null,
        n bigint not null,
        nc bigint not null,
        s double precision,
        c bigint not null,
        mn double precision,
        mx double precision,
        vals double precision[],
        vals2 double precision[]
      )`.execute(db);
    await sql`create index metric_buckets_slot on platform.metric_buckets (space_id, hash, slot)`.execute(
      db,
    );
    // Append-only marks (no unique key: a mark written while a recompute runs must survive it).
    await sql`
      create table platform.metric_dirty_slots (
        space_id uuid not null,
        hash text not null,
        slot timestamp not null
      )`.execute(db);
    await sql`create index metric_dirty_slots_hash on platform.metric_dirty_slots (space_id, hash, slot)`.execute(
      db,
    );
    await sql`
      create function platform.mark_metric_slots(p_space uuid, p_table text, p_slots timestamp[])
      returns void language sql as $$
        insert into platform.metric_dirty_slots (space_id, hash, slot)
        select p.space_id, p.hash, d.slot
        from platform.metric_preaggregates p, unnest(p_slots) d(slot)
        where p.space_id = p_space and p.table_key = p_table and d.slot is not null
      $$`.execute(db);
    // Slots of records given by id, looked up in the space's table (events and labels name records).
    await sql`
      create function platform.mark_metric_records(p_space uuid, p_table text, p_ids uuid[])
      returns void language plpgsql as $$
      declare
        schema_name text;
        slots timestamp[];
      begin
        if not exists (select 1 from platform.metric_preaggregates
            where space_id = p_space and table_key = p_table) then
          return;
        end if;
        select s.schema_name into schema_name from platform.spaces s where s.id = p_space;
        execute format('select array_agg(distinct date_trunc(''hour'', created_at at time zone ''UTC'')) from %I.%I where id = any($1)',
          schema_name, p_table) into slots using p_ids;
        perform platform.mark_metric_slots(p_space, p_table, slots);
      end $$`.execute(db);
    // Record tables: one trigger per statement kind (transition tables allow one event each).
    await sql`
      create function platform.metric_rows_changed() returns trigger language plpgsql as $$
      declare
        p_space uuid := TG_ARGV[0]::uuid;
        p_table text := TG_ARGV[1];
      begin
        if TG_OP = 'INSERT' then
          perform platform.mark_metric_slots(p_space, p_table,
            array(select distinct date_trunc('hour', created_at at time zone 'UTC') from new_rows));
        elsif TG_OP = 'UPDATE' then
          perform platform.mark_metric_slots(p_space, p_table,
            array(select date_trunc('hour', created_at at time zone 'UTC') from new_rows
              union select date_trunc('hour', created_at at time zone 'UTC') from old_rows));
        else
          perform platform.mark_metric_slots(p_space, p_table,
            array(select distinct date_trunc('hour', created_at at time zone 'UTC') from old_rows));
        end if;
        return null;
      end $$`.execute(db);
    await sql`
      create function platform.metric_records_touched() returns trigger language plpgsql as $$
      declare touched record;
      begin
        if TG_OP = 'DELETE' then
          for touched in select space_id, table_key, array_agg(distinct record_id) as ids
              from old_rows group by space_id, table_key loop
            perform platform.mark_metric_records(touched.space_id, touched.table_key, touched.ids);
          end loop;
        else
          for touched in select space_id, table_key, array_agg(distinct record_id) as ids
              from new_rows group by space_id, table_key loop
            perform platform.mark_metric_records(touched.space_id, touched.table_key, touched.ids);
          end loop;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger behaviour_events_metric_slots after insert on platform.behaviour_events
      referencing new table as new_rows for each statement
      execute function platform.metric_records_touched()`.execute(db);
    await sql`create trigger metric_labels_metric_slots_insert after insert on platform.metric_labels
      referencing new table as new_rows for each statement
      execute function platform.metric_records_touched()`.execute(db);
    await sql`create trigger metric_labels_metric_slots_update after update on platform.metric_labels
      referencing new table as new_rows for each statement
      execute function platform.metric_records_touched()`.execute(db);
    await sql`create trigger metric_labels_metric_slots_delete after delete on platform.metric_labels
      referencing old table as old_rows for each statement
      execute function platform.metric_records_touched()`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const trigger of [
      'behaviour_events_metric_slots on platform.behaviour_events',
      'metric_labels_metric_slots_insert on platform.metric_labels',
      'metric_labels_metric_slots_update on platform.metric_labels',
      'metric_labels_metric_slots_delete on platform.metric_labels',
    ]) {
      await sql`drop trigger if exists ${sql.raw(trigger)}`.execute(db);
    }
    await sql`drop function if exists platform.metric_records_touched()`.execute(db);
    await sql`drop function if exists platform.metric_rows_changed() cascade`.execute(db);
    await sql`drop function if exists platform.mark_metric_records(uuid, text, uuid[])`.execute(db);
    await sql`drop function if exists platform.mark_metric_slots(uuid, text, timestamp[])`.execute(
      db,
    );
    for (const table of [
      'metric_dirty_slots',
      'metric_buckets',
      'metric_bucket_slots',
      'metric_preaggregates',
    ]) {
      await sql`drop table if exists ${sql.raw(`platform.${table}`)}`.execute(db);
    }
  },
};

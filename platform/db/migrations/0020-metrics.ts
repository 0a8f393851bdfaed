// Metrics: daily LAI snapshots, sandbox labels backfilled onto records, and the event index the
// built-in formulas read (actions of one type per record, in time order); record changes NOTIFY
// live dashboards.
import { sql, type Kysely, type Migration } from 'kysely';

export const metrics: Migration = {
  async up(db: Kysely<unknown>) {
    // One row per LAI metric, day and owner: the totals are sums, so a group by owner and the
    // overall figure come from the same rows and always agree.
    await sql`
      create table platform.lai_daily (
        space_id uuid not null references platform.spaces (id),
        metric text not null,
        day date not null,
        owner uuid,
        owner_key text generated always as (coalesce(owner::text, '')) stored,
        leads integer not null,
        fresh integer not null,
        dense integer not null,
        covered integer not null,
        computed_at timestamptz not null default now(),
        primary key (space_id, metric, day, owner_key)
      )`.execute(db);
    await sql`
      create table platform.metric_labels (
        space_id uuid not null references platform.spaces (id),
        label text not null,
        table_key text not null,
        record_id uuid not null,
        matched boolean not null,
        definition_hash text not null,
        labelled_at timestamptz not null default now(),
        primary key (space_id, label, record_id)
      )`.execute(db);
    await sql`create index behaviour_events_type on platform.behaviour_events (space_id, table_key, type, record_id, at)`.execute(
      db,
    );
    // Per record and event type: how many, first, last and the decision roles reached. Maintained
    // by a statement trigger in the transaction that appends the events, so it is always exactly
    // the aggregate of the events table (events are append-only); dashboards read it instead of
    // re-aggregating millions of events.
    await sql`
      create table platform.record_event_facts (
        space_id uuid not null,
        table_key text not null,
        record_id uuid not null,
        type text not null,
        actions integer not null,
        first_at timestamptz not null,
        last_at timestamptz not null,
        roles text[] not null default '{}',
        primary key (space_id, table_key, type, record_id)
      )`.execute(db);
    await sql`
      create function platform.roll_up_event_facts() returns trigger language plpgsql as $$
      begin
        insert into platform.record_event_facts as f
          (space_id, table_key, record_id, type, actions, first_at, last_at, roles)
        select space_id, table_key, record_id, type, count(*), min(at), max(at),
          coalesce(array_agg(distinct payload ->> 'role') filter (where payload ->> 'role' is not null), '{}')
        from new_rows group by space_id, table_key, record_id, type
        on conflict (space_id, table_key, type, record_id) do update set
          actions = f.actions + excluded.actions,
          first_at = least(f.first_at, excluded.first_at),
          last_at = greatest(f.last_at, excluded.last_at),
          roles = case when excluded.roles <@ f.roles then f.roles else
            array(select distinct r from unnest(f.roles || excluded.roles) r order by r) end;
        return null;
      end $$`.execute(db);
    await sql`create trigger behaviour_events_roll_up after insert on platform.behaviour_events
      referencing new table as new_rows for each statement
      execute function platform.roll_up_event_facts()`.execute(db);
    await sql`
      insert into platform.record_event_facts (space_id, table_key, record_id, type, actions, first_at, last_at, roles)
      select space_id, table_key, record_id, type, count(*), min(at), max(at),
        coalesce(array_agg(distinct payload ->> 'role') filter (where payload ->> 'role' is not null), '{}')
      from platform.behaviour_events group by space_id, table_key, record_id, type`.execute(db);
    // Live dashboards: every record write appends audit rows and every behaviour event a row, in
    // the writing transaction; one NOTIFY per space and table is sent when it commits.
    await sql`
      create function platform.notify_record_changes() returns trigger language plpgsql as $$
      declare changed record;
      begin
        for changed in select distinct space_id, table_key from new_rows loop
          perform pg_notify('baton_record_changes', changed.space_id::text || ':' || changed.table_key);
        end loop;
        return null;
      end $$`.execute(db);
    for (const table of ['audit_log', 'behaviour_events']) {
      await sql`create trigger ${sql.raw(`${table}_notify_changes`)} after insert on ${sql.raw(`platform.${table}`)}
        referencing new table as new_rows for each statement
        execute function platform.notify_record_changes()`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists behaviour_events_roll_up on platform.behaviour_events`.execute(
      db,
    );
    await sql`drop function if exists platform.roll_up_event_facts()`.execute(db);
    await sql`drop table if exists platform.record_event_facts`.execute(db);
    await sql`drop trigger if exists audit_log_notify_changes on platform.audit_log`.execute(db);
    await sql`drop trigger if exists behaviour_events_notify_changes on platform.behaviour_events`.execute(
      db,
    );
    await sql`drop function if exists platform.notify_record_changes()`.execute(db);
    await sql`drop index if exists platform.behaviour_events_type`.execute(db);
    await sql`drop table if exists platform.metric_labels`.execute(db);
    await sql`drop table if exists platform.lai_daily`.execute(db);
  },
};

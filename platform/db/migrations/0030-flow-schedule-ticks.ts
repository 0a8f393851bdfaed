// Each firing of a flow schedule, claimed once: a retried tick starts nothing twice.
import { sql, type Kysely, type Migration } from 'kysely';

export const flowScheduleTicks: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table platform.flow_schedule_ticks (
        tick_id text primary key,
        space_id uuid not null references platform.spaces (id) on delete cascade,
        flow_key text not null,
        at timestamptz not null,
        started integer not null default 0,
        created_at timestamptz not null default now()
      )`.execute(db);
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table platform.flow_schedule_ticks`.execute(db);
  },
};

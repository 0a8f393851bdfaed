// Dashboard threshold actions: the colour each widget with actions was last seen in, so an action
// runs once when the figure crosses into its band, not on every refresh.
import { sql, type Kysely, type Migration } from 'kysely';

export const thresholdCrossings: Migration = {
  async up(db: Kysely<unknown>) {
    // `crossings` numbers the changes of colour; a flow started for a crossing carries the number
    // in its workflow id, so one crossing can start one execution only.
    await sql`
      create table platform.threshold_states (
        space_id uuid not null references platform.spaces (id),
        dashboard_key text not null,
        widget_key text not null,
        color text check (color in ('red', 'yellow', 'green')),
        value double precision,
        evaluated_at timestamptz,
        changed_at timestamptz,
        crossings integer not null default 0,
        primary key (space_id, dashboard_key, widget_key)
      )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists platform.threshold_states`.execute(db);
  },
};

// Announces every new definition version and every change to a space on one channel, so each Baton
// process can cache "the latest version of a space" and drop the entry the moment it changes.
import { sql, type Kysely, type Migration } from 'kysely';

export const definitionNotify: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create function platform.announce_space_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('baton_definitions', new.space_id::text);
        return null;
      end $$`.execute(db);
    await sql`
      create function platform.announce_space_row_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('baton_definitions', coalesce(new.id, old.id)::text);
        return null;
      end $$`.execute(db);
    await sql`create trigger definition_versions_announce after insert on platform.definition_versions
      for each row execute function platform.announce_space_change()`.execute(db);
    await sql`create trigger spaces_announce after update or delete on platform.spaces
      for each row execute function platform.announce_space_row_change()`.execute(db);
  },

  async down(db: Kysely<unknown>) {
    await sql`drop trigger spaces_announce on platform.spaces`.execute(db);
    await sql`drop trigger definition_versions_announce on platform.definition_versions`.execute(
      db,
    );
    await sql`drop function platform.announce_space_row_change()`.execute(db);
    await sql`drop function platform.announce_space_change()`.execute(db);
  },
};

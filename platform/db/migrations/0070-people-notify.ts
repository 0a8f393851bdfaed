// Announces changes to people, space memberships and API tokens on one channel, so each Baton
// process can cache who a bearer token and a membership name (platform/auth/people-cache.ts) and
// drop everything the moment any of them changes. Statement-level: one notice per statement.
import { sql, type Kysely, type Migration } from 'kysely';

export const peopleNotify: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create function platform.announce_people_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('baton_people', tg_table_name);
        return null;
      end $$`.execute(db);
    await sql`create trigger users_announce after insert or update or delete or truncate
      on platform.users for each statement execute function platform.announce_people_change()`.execute(
      db,
    );
    await sql`create trigger space_members_announce after insert or update or delete or truncate
      on platform.space_members for each statement execute function platform.announce_people_change()`.execute(
      db,
    );
    // Not on last_used_at: a token's use is written once a minute and changes nothing it grants.
    await sql`create trigger api_tokens_announce
      after update of token_hash, user_id, space_id, expires_at, revoked_at or delete or truncate
      on platform.api_tokens for each statement execute function platform.announce_people_change()`.execute(
      db,
    );
  },

  async down(db: Kysely<unknown>) {
    await sql`drop trigger api_tokens_announce on platform.api_tokens`.execute(db);
    await sql`drop trigger space_members_announce on platform.space_members`.execute(db);
    await sql`drop trigger users_announce on platform.users`.execute(db);
    await sql`drop function platform.announce_people_change()`.execute(db);
  },
};

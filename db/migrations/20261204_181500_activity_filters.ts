import { sql, type Kysely } from 'kysely'

/**
 * The activity page filters by actor, action and subject type, newest first,
 * and lists the values each filter can take. One index per filter, each
 * ending in (at DESC, id), serves both: the filtered page is an index range
 * read, and the list of distinct values is a skip scan (a recursive query
 * that jumps from one value to the next) instead of reading the whole log.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX activity_workspace_actor_idx ON activity (workspace_id, actor_id, at DESC, id);
    CREATE INDEX activity_workspace_action_idx ON activity (workspace_id, action, at DESC, id);
    CREATE INDEX activity_workspace_subject_type_idx ON activity (workspace_id, subject_type, at DESC, id);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS activity_workspace_actor_idx, activity_workspace_action_idx, activity_workspace_subject_type_idx`.execute(db)
}

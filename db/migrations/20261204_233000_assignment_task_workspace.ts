import { sql, type Kysely } from 'kysely'

/**
 * An assignment belongs to the workspace of its task: the composite foreign
 * key (workspace_id, task_id) → task (workspace_id, id) replaces the plain
 * task_id one (same ON DELETE CASCADE). The app always wrote them together;
 * now the database says so too, as it already does for the assignee's
 * country and organisation — the plan's roll-up (task_progress) counts by
 * task and relies on it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE task ADD CONSTRAINT task_workspace_id_id_key UNIQUE (workspace_id, id);
    ALTER TABLE assignment
      ADD CONSTRAINT assignment_workspace_id_task_id_fkey FOREIGN KEY (workspace_id, task_id) REFERENCES task (workspace_id, id) ON DELETE CASCADE,
      DROP CONSTRAINT assignment_task_id_fkey;
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE assignment
      ADD CONSTRAINT assignment_task_id_fkey FOREIGN KEY (task_id) REFERENCES task (id) ON DELETE CASCADE,
      DROP CONSTRAINT assignment_workspace_id_task_id_fkey;
    ALTER TABLE task DROP CONSTRAINT task_workspace_id_id_key;
  `.execute(db)
}

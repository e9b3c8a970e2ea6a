import { sql, type Kysely } from 'kysely'

/**
 * task_progress: each task's assignment counts, kept by the database in the
 * transaction of every assignment write, so that the plan's roll-up reads
 * one row per task instead of aggregating every assignment of the workspace
 * on every call.
 *
 * - `total` counts the task's assignments whose status is not
 *   'not_applicable', `completed` those completed: the same definitions as
 *   the plan's progress. Overdue is not kept: it changes with the clock and
 *   the assignee's time zone, so readers compute it live over the few
 *   candidate rows (isOverdueSql).
 * - A task gets its row with its first assignment (even a not_applicable
 *   one: zeros). The row stays, at zero, when the task's last assignment
 *   goes, and goes with the task (ON DELETE CASCADE). Readers treat a missing
 *   row as zeros.
 * - Triggers on assignment keep it, so every writer — services, the plan
 *   importer, bulk INSERT … SELECT, COPY, raw SQL, foreign-key cascades — is
 *   counted without knowing about it:
 *   - INSERT and DELETE: statement-level triggers with transition tables, one
 *     aggregated statement per statement whatever its size. Rows are written
 *     in task_id order, so concurrent writers lock them in the same order and
 *     cannot deadlock on them. DELETE only updates existing rows: when a task
 *     node is deleted its row may already be gone (cascade), and nothing must
 *     be inserted for it.
 *   - UPDATE: a row-level trigger that fires only when the status or the task
 *     changes (WHEN …), and writes only when a count changes (in_progress →
 *     blocked writes nothing). PostgreSQL does not allow transition tables on
 *     an `UPDATE OF status` trigger, so a statement-level one would run for
 *     every update of a note or a due date too; every update in the app is a
 *     single row, for which this is the cheaper form (measured: bench/FINDINGS.md).
 *     A bulk status UPDATE fires it once per changed row.
 *   - TRUNCATE of assignment empties it.
 * - Backfilled from the existing assignments with assignment locked against
 *   writes, so nothing is counted twice or missed while the migration runs.
 *
 * The row's workspace_id (from the assignment) lets a workspace's figures be
 * read without the plan tree (a dashboard: SUM over task_progress joined to
 * the live tasks of the current plan).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    LOCK TABLE assignment IN SHARE ROW EXCLUSIVE MODE;

    CREATE TABLE task_progress (
      task_id uuid PRIMARY KEY REFERENCES plan_node(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      total integer NOT NULL,
      completed integer NOT NULL
    ) WITH (fillfactor = 70);
    CREATE INDEX task_progress_workspace_idx ON task_progress (workspace_id);

    CREATE FUNCTION task_progress_after_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO task_progress AS p (task_id, workspace_id, total, completed)
      SELECT task_id, (array_agg(workspace_id))[1],
        count(*) FILTER (WHERE status <> 'not_applicable'), count(*) FILTER (WHERE status = 'completed')
      FROM inserted GROUP BY task_id ORDER BY task_id
      ON CONFLICT (task_id) DO UPDATE SET total = p.total + excluded.total, completed = p.completed + excluded.completed
      WHERE excluded.total <> 0 OR excluded.completed <> 0;
      RETURN NULL;
    END
    $fn$;

    CREATE FUNCTION task_progress_after_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      WITH gone AS (
        SELECT task_id, count(*) FILTER (WHERE status <> 'not_applicable') AS total, count(*) FILTER (WHERE status = 'completed') AS completed
        FROM deleted GROUP BY task_id
      ),
      locked AS (
        SELECT p.task_id, gone.total, gone.completed FROM task_progress AS p JOIN gone USING (task_id)
        WHERE gone.total <> 0 OR gone.completed <> 0
        ORDER BY p.task_id FOR UPDATE OF p
      )
      UPDATE task_progress AS p SET total = p.total - locked.total, completed = p.completed - locked.completed
      FROM locked WHERE p.task_id = locked.task_id;
      RETURN NULL;
    END
    $fn$;

    CREATE FUNCTION task_progress_after_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      old_total int := (OLD.status <> 'not_applicable')::int;
      old_completed int := (OLD.status = 'completed')::int;
      new_total int := (NEW.status <> 'not_applicable')::int;
      new_completed int := (NEW.status = 'completed')::int;
    BEGIN
      IF OLD.task_id = NEW.task_id THEN
        IF new_total <> old_total OR new_completed <> old_completed THEN
          UPDATE task_progress SET total = total + new_total - old_total, completed = completed + new_completed - old_completed
          WHERE task_id = NEW.task_id;
        END IF;
        RETURN NULL;
      END IF;
      -- Moved to another task: the two rows in task_id order, like the statement triggers.
      IF OLD.task_id < NEW.task_id THEN
        UPDATE task_progress SET total = total - old_total, completed = completed - old_completed WHERE task_id = OLD.task_id;
      END IF;
      INSERT INTO task_progress AS p (task_id, workspace_id, total, completed) VALUES (NEW.task_id, NEW.workspace_id, new_total, new_completed)
      ON CONFLICT (task_id) DO UPDATE SET total = p.total + excluded.total, completed = p.completed + excluded.completed;
      IF OLD.task_id > NEW.task_id THEN
        UPDATE task_progress SET total = total - old_total, completed = completed - old_completed WHERE task_id = OLD.task_id;
      END IF;
      RETURN NULL;
    END
    $fn$;

    CREATE FUNCTION task_progress_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      DELETE FROM task_progress;
      RETURN NULL;
    END
    $fn$;

    CREATE TRIGGER task_progress_insert AFTER INSERT ON assignment
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION task_progress_after_insert();
    CREATE TRIGGER task_progress_delete AFTER DELETE ON assignment
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION task_progress_after_delete();
    CREATE TRIGGER task_progress_update AFTER UPDATE OF status, task_id ON assignment
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.task_id IS DISTINCT FROM NEW.task_id)
      EXECUTE FUNCTION task_progress_after_update();
    CREATE TRIGGER task_progress_truncate AFTER TRUNCATE ON assignment
      FOR EACH STATEMENT EXECUTE FUNCTION task_progress_after_truncate();

    INSERT INTO task_progress (task_id, workspace_id, total, completed)
    SELECT task_id, (array_agg(workspace_id))[1],
      count(*) FILTER (WHERE status <> 'not_applicable'), count(*) FILTER (WHERE status = 'completed')
    FROM assignment GROUP BY task_id;
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TRIGGER IF EXISTS task_progress_truncate ON assignment;
    DROP TRIGGER IF EXISTS task_progress_update ON assignment;
    DROP TRIGGER IF EXISTS task_progress_delete ON assignment;
    DROP TRIGGER IF EXISTS task_progress_insert ON assignment;
    DROP FUNCTION IF EXISTS task_progress_after_truncate(), task_progress_after_update(), task_progress_after_delete(), task_progress_after_insert();
    DROP TABLE IF EXISTS task_progress;
  `.execute(db)
}

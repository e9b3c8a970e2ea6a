import { sql, type Kysely } from 'kysely'

/**
 * email_log.status 'skipped': a reminder claimed by the sweep whose
 * assignment is no longer open (submitted, completed, not applicable) when
 * delivery comes to render it is not sent; the row says so, with the reason.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE email_log DROP CONSTRAINT email_log_status_check;
    ALTER TABLE email_log ADD CONSTRAINT email_log_status_check
      CHECK (status IN ('pending','sent','failed','bounced','complained','skipped'));
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    UPDATE email_log SET status = 'failed' WHERE status = 'skipped';
    ALTER TABLE email_log DROP CONSTRAINT email_log_status_check;
    ALTER TABLE email_log ADD CONSTRAINT email_log_status_check
      CHECK (status IN ('pending','sent','failed','bounced','complained'));
  `.execute(db)
}

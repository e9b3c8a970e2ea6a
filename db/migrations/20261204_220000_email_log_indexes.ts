import { sql, type Kysely } from 'kysely'

/**
 * email_log indexes for what reads the log, not for every row the sweeps
 * write: the Resend webhook finds a row by `provider_id` (a sequential scan
 * of the whole log before), and delivery of messages with attachments reads
 * pending ones by age. Both indexes are partial, so a claimed reminder or
 * digest (no provider id yet, no attachment) adds no entry to either; the
 * general (status, created_at) index, which nothing reads any more, goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX email_log_provider_idx ON email_log (provider_id) WHERE provider_id IS NOT NULL;
    CREATE INDEX email_log_pending_attachments_idx ON email_log (created_at) WHERE status = 'pending' AND has_attachments;
    DROP INDEX email_log_status_idx;
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX email_log_status_idx ON email_log (status, created_at);
    DROP INDEX email_log_pending_attachments_idx;
    DROP INDEX email_log_provider_idx;
  `.execute(db)
}

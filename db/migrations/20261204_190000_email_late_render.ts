import { sql, type Kysely } from 'kysely'

/**
 * Reminders are claimed set-wise by the sweep and rendered later, when
 * delivery forms their batch: a claimed row keeps what its message needs
 * (kind, assignment = subject_id, recipient, occasion) plus the sweep's
 * clock (`as_of`: the signed links are issued then, and "due in n days"
 * counts from the assignee's day at that instant) and the recipient's
 * language at the time. `payload` stays NULL until the batch is recorded;
 * from then on the stored payload is what every retry sends.
 *
 * Batches are formed in (created_at, subject_id, id) order: a sweep's rows
 * share one created_at, so the recipients of one assignment fall into the
 * same batch and share one rendered body.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE email_log ADD COLUMN as_of timestamptz, ADD COLUMN locale text;
    DROP INDEX IF EXISTS email_log_unbatched_idx;
    CREATE INDEX email_log_unbatched_idx ON email_log (created_at, subject_id, id) WHERE status = 'pending' AND batch_id IS NULL;
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS email_log_unbatched_idx;
    CREATE INDEX email_log_unbatched_idx ON email_log (created_at) WHERE status = 'pending' AND batch_id IS NULL;
    ALTER TABLE email_log DROP COLUMN IF EXISTS as_of, DROP COLUMN IF EXISTS locale;
  `.execute(db)
}

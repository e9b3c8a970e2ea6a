import { sql, type Kysely } from 'kysely'

// Follow-up engine: preferences, batched delivery, digest state.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One row per user and category they changed; a missing row means the
    -- default (immediate for events, on for reminders and digests).
    CREATE TABLE notification_preference (
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      category text NOT NULL CHECK (category IN ('reminders','status','mentions','submissions','escalations','digest')),
      mode text NOT NULL CHECK (mode IN ('immediate','digest','off')),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, category)
    );

    -- A batch is recorded with its members before it is sent; its id is the
    -- Idempotency-Key, so a retry resends exactly the same request.
    CREATE TABLE email_batch (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
      size integer NOT NULL CHECK (size BETWEEN 1 AND 100),
      attempts integer NOT NULL DEFAULT 0,
      leased_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX email_batch_pending_idx ON email_batch (created_at) WHERE status = 'pending';

    ALTER TABLE email_log
      ADD COLUMN category text,
      ADD COLUMN occasion text,
      ADD COLUMN subject_id uuid,
      ADD COLUMN payload jsonb,
      ADD COLUMN has_attachments boolean NOT NULL DEFAULT false,
      ADD COLUMN batch_id uuid REFERENCES email_batch(id) ON DELETE SET NULL,
      ADD COLUMN batch_position integer,
      ADD COLUMN leased_until timestamptz;
    CREATE INDEX email_log_unbatched_idx ON email_log (created_at) WHERE status = 'pending' AND batch_id IS NULL;
    CREATE INDEX email_log_batch_idx ON email_log (batch_id, batch_position) WHERE batch_id IS NOT NULL;
    CREATE INDEX email_log_workspace_idx ON email_log (workspace_id, created_at DESC);

    -- When each member last got a digest of this workspace (NULL: never).
    ALTER TABLE membership ADD COLUMN last_digest_at timestamptz;

    CREATE INDEX outbox_created_idx ON outbox (created_at);
    CREATE INDEX assignment_due_open_idx ON assignment (due_date) WHERE status IN ('not_started','in_progress','blocked');
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS assignment_due_open_idx;
    DROP INDEX IF EXISTS outbox_created_idx;
    ALTER TABLE membership DROP COLUMN IF EXISTS last_digest_at;
    ALTER TABLE email_log
      DROP COLUMN IF EXISTS category, DROP COLUMN IF EXISTS occasion, DROP COLUMN IF EXISTS subject_id,
      DROP COLUMN IF EXISTS payload, DROP COLUMN IF EXISTS has_attachments, DROP COLUMN IF EXISTS batch_id,
      DROP COLUMN IF EXISTS batch_position, DROP COLUMN IF EXISTS leased_until;
    DROP TABLE IF EXISTS email_batch, notification_preference;
  `.execute(db)
}

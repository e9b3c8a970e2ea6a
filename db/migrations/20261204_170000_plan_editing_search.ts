import { sql, type Kysely } from 'kysely'

/**
 * Plan editing and full-text search.
 *
 * - plan_node gets `version` and `updated_by`, so an edit made against a
 *   stale copy of a plan item is refused with a CONFLICT naming who changed it.
 * - Search is accent-insensitive in Spanish and Portuguese: a text search
 *   configuration `ruta_search` is `simple` with `unaccent` in front, so
 *   "migración" and "migracion", "ação" and "acao" give the same lexeme. No
 *   stemming: the plan mixes Spanish, Portuguese and English, and a wrong
 *   stemmer would hide matches. GIN indexes over the same expressions the
 *   queries use keep search fast as the workspace grows.
 * - `ruta_unaccent(text)` is an IMMUTABLE wrapper (unaccent itself is only
 *   STABLE because its dictionary could change), for trigram or expression
 *   indexes that need it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE plan_node
      ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      ADD COLUMN updated_by uuid REFERENCES app_user(id) ON DELETE SET NULL;

    CREATE OR REPLACE FUNCTION ruta_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $fn$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $fn$;

    CREATE TEXT SEARCH CONFIGURATION ruta_search (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION ruta_search
      ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple;

    CREATE INDEX plan_node_title_fts_idx ON plan_node USING gin (to_tsvector('ruta_search'::regconfig, title));
    CREATE INDEX task_description_fts_idx ON task USING gin (to_tsvector('ruta_search'::regconfig, description));
    CREATE INDEX assignment_note_fts_idx ON assignment USING gin (to_tsvector('ruta_search'::regconfig, progress_note));
    CREATE INDEX comment_body_fts_idx ON comment USING gin (to_tsvector('ruta_search'::regconfig, body));
    CREATE INDEX plan_node_workspace_idx ON plan_node (workspace_id, kind);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS plan_node_workspace_idx, comment_body_fts_idx, assignment_note_fts_idx, task_description_fts_idx, plan_node_title_fts_idx;
    DROP TEXT SEARCH CONFIGURATION IF EXISTS ruta_search;
    DROP FUNCTION IF EXISTS ruta_unaccent(text);
    ALTER TABLE plan_node DROP COLUMN IF EXISTS updated_by, DROP COLUMN IF EXISTS version;
  `.execute(db)
}

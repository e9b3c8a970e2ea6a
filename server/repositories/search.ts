import { sql, type Kysely } from 'kysely'
import type { AssigneeKind, DB } from '#db/types.ts'

/** Marks around matched words in snippets (private-use characters: never typed by people, never HTML). */
export const MATCH_START = '\uE000'
export const MATCH_END = '\uE001'

export type SearchHitKind = 'task' | 'progress_note' | 'comment'

export interface SearchHitRow {
  kind: SearchHitKind
  taskId: string
  taskCode: string
  taskTitle: string
  assignmentId: string | null
  commentId: string | null
  assigneeKind: AssigneeKind | null
  countryCode: string | null
  organisationCode: string | null
  period: string | null
  at: Date | null
  rank: number
  snippet: string
}

/**
 * Full-text search over one workspace: task titles and descriptions,
 * progress notes and comments. `tsquery` is a to_tsquery expression in the
 * `ruta_search` configuration (simple + unaccent, migration
 * 20261204_170000), so "migracion" matches "migración" and "acao" matches
 * "ação". Each branch filters on its own GIN-indexed expression and on the
 * workspace; only the best `limit` hits get a snippet (ts_headline is the
 * expensive part).
 */
export async function searchWorkspace(db: Kysely<DB>, workspaceId: string, tsquery: string, limit: number): Promise<SearchHitRow[]> {
  const options = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`
  const result = await sql<SearchHitRow>`
    WITH q AS (SELECT to_tsquery('ruta_search', ${tsquery}) AS query),
    task_hits AS (
      SELECT n.id AS task_id, max(r.rank) AS rank FROM (
        SELECT n.id, ts_rank(to_tsvector('ruta_search', n.title), q.query) * 2 AS rank
          FROM plan_node n, q
         WHERE n.workspace_id = ${workspaceId} AND n.kind = 'task'
           AND to_tsvector('ruta_search', n.title) @@ q.query
        UNION ALL
        SELECT t.id, ts_rank(to_tsvector('ruta_search', t.description), q.query)
          FROM task t, q
         WHERE t.workspace_id = ${workspaceId}
           AND to_tsvector('ruta_search', t.description) @@ q.query
      ) r JOIN plan_node n ON n.id = r.id
      WHERE n.archived_at IS NULL
      GROUP BY n.id
    ),
    hits AS (
      SELECT 'task'::text AS kind, th.task_id, NULL::uuid AS assignment_id, NULL::uuid AS comment_id, th.rank, NULL::timestamptz AS at
        FROM task_hits th
      UNION ALL
      SELECT 'progress_note', a.task_id, a.id, NULL, ts_rank(to_tsvector('ruta_search', a.progress_note), q.query), a.updated_at
        FROM assignment a, q
       WHERE a.workspace_id = ${workspaceId}
         AND to_tsvector('ruta_search', a.progress_note) @@ q.query
      UNION ALL
      SELECT 'comment', a.task_id, a.id, c.id, ts_rank(to_tsvector('ruta_search', c.body), q.query), c.created_at
        FROM comment c JOIN assignment a ON a.id = c.assignment_id, q
       WHERE a.workspace_id = ${workspaceId}
         AND to_tsvector('ruta_search', c.body) @@ q.query
    ),
    best AS (
      SELECT hits.* FROM hits JOIN plan_node n ON n.id = hits.task_id
       WHERE n.archived_at IS NULL
       ORDER BY hits.rank DESC, hits.at DESC NULLS LAST, hits.task_id, hits.assignment_id, hits.comment_id
       LIMIT ${limit}
    )
    SELECT b.kind, b.task_id AS "taskId", n.code AS "taskCode", n.title AS "taskTitle",
           b.assignment_id AS "assignmentId", b.comment_id AS "commentId",
           a.assignee_kind AS "assigneeKind", trim(c.code) AS "countryCode", o.code AS "organisationCode",
           nullif(a.period, '') AS period, b.at, b.rank,
           ts_headline('ruta_search',
             CASE b.kind
               WHEN 'task' THEN n.title || ' — ' || t.description
               WHEN 'progress_note' THEN a.progress_note
               ELSE cm.body
             END, q.query, ${options}) AS snippet
      FROM best b
      CROSS JOIN q
      JOIN plan_node n ON n.id = b.task_id
      JOIN task t ON t.id = b.task_id
      LEFT JOIN assignment a ON a.id = b.assignment_id
      LEFT JOIN country c ON c.id = a.country_id
      LEFT JOIN organisation o ON o.id = a.organisation_id
      LEFT JOIN comment cm ON cm.id = b.comment_id
     ORDER BY b.rank DESC, b.at DESC NULLS LAST, b.task_id, b.assignment_id, b.comment_id`.execute(db)
  return result.rows
}

import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB, NodeKind, Role } from '#db/types.ts'
import { SACM_COUNTRIES } from '#db/seed/reference.ts'
import { createWorkspace, type TestWorkspace } from './index.ts'

/**
 * Bulk builders for large data sets: the benchmark (bench/data.ts) and the
 * query-count tests. Workspaces and countries come from the ordinary
 * factories; everything numerous is inserted set-wise (unnest arrays or
 * INSERT … SELECT generate_series), never row by row.
 *
 * Values are pseudo-random but repeatable: statuses and dates derive from a
 * hash of the row's position, so two runs build the same shape.
 */

export interface BulkWorkspaceOptions {
  slug?: string
  name?: string
  /** 1–12, the first N SACM countries. */
  countries: number
  tasks: number
  /** Plan shape; defaults 5 general objectives, 12 specific, 30 action lines (fewer when there are few tasks). */
  generalObjectives?: number
  specificObjectives?: number
  actionLines?: number
  /** The day "today" is, for due dates (some overdue, most upcoming). Default: today in UTC. */
  today?: string
}

export interface BulkWorkspace extends TestWorkspace {
  planId: string
  countryCodes: string[]
  taskCount: number
  assignmentCount: number
}

/** Spreads `total` items over `buckets` as evenly as possible. */
function spread(total: number, buckets: number): number[] {
  const base = Math.floor(total / buckets)
  const extra = total % buckets
  return Array.from({ length: buckets }, (_, i) => base + (i < extra ? 1 : 0))
}

interface NodeRow {
  id: string
  parentId: string | null
  kind: NodeKind
  position: number
  code: string
  title: string
}

/** A realistic plan tree: general objective > specific objective > action line > task. */
export function planTreeRows(opts: { tasks: number; generalObjectives?: number; specificObjectives?: number; actionLines?: number }): NodeRow[] {
  const al = Math.max(1, Math.min(opts.actionLines ?? 30, opts.tasks))
  const so = Math.max(1, Math.min(opts.specificObjectives ?? 12, al))
  const go = Math.max(1, Math.min(opts.generalObjectives ?? 5, so))
  const rows: NodeRow[] = []
  const soPerGo = spread(so, go)
  const alPerSo = spread(al, so)
  const tasksPerAl = spread(opts.tasks, al)
  let soIndex = 0
  let alIndex = 0
  for (let g = 1; g <= go; g++) {
    const gId = randomUUID()
    rows.push({ id: gId, parentId: null, kind: 'general_objective', position: g, code: `${g}`, title: `Objetivo general ${g}: gobernanza de la migración y cooperación regional` })
    for (let s = 1; s <= soPerGo[g - 1]; s++) {
      const sId = randomUUID()
      const sCode = `${g}.${s}`
      rows.push({ id: sId, parentId: gId, kind: 'specific_objective', position: s, code: sCode, title: `Objetivo específico ${sCode}: fortalecer capacidades nacionales` })
      for (let a = 1; a <= alPerSo[soIndex]; a++) {
        const aId = randomUUID()
        const aCode = `${sCode}.${a}`
        rows.push({ id: aId, parentId: sId, kind: 'action_line', position: a, code: aCode, title: `Línea de acción ${aCode}: intercambio de buenas prácticas` })
        for (let t = 1; t <= tasksPerAl[alIndex]; t++) {
          const tCode = `${aCode}.${t}`
          rows.push({ id: randomUUID(), parentId: aId, kind: 'task', position: t, code: tCode, title: `Tarea ${tCode}: informe nacional sobre regularización migratoria y acceso a derechos` })
        }
        alIndex++
      }
      soIndex++
    }
  }
  return rows
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10)
}

/**
 * A workspace with countries, organisations, a current plan of `tasks` tasks
 * and one assignment per task and country in mixed statuses and due dates
 * (about a fifth of the open ones overdue), some history, comments and
 * evidence.
 */
export async function createBulkWorkspace(db: Kysely<DB>, opts: BulkWorkspaceOptions): Promise<BulkWorkspace> {
  const countryCodes = SACM_COUNTRIES.slice(0, opts.countries).map((c) => c.code)
  const ws = await createWorkspace(db, { slug: opts.slug, name: opts.name, countries: countryCodes })
  const plan = await db
    .insertInto('plan')
    .values({ workspace_id: ws.id, title: `Plan de acción ${ws.slug}`, version_label: '2026' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const nodes = planTreeRows(opts)
  const CHUNK = 5000
  for (let i = 0; i < nodes.length; i += CHUNK) {
    const part = nodes.slice(i, i + CHUNK)
    await sql`
      INSERT INTO plan_node (id, workspace_id, plan_id, parent_id, kind, position, code, title)
      SELECT n.id, ${ws.id}::uuid, ${plan.id}::uuid, n.parent_id, n.kind, n.position, n.code, n.title
      FROM unnest(${part.map((n) => n.id)}::uuid[], ${part.map((n) => n.parentId)}::uuid[], ${part.map((n) => n.kind)}::text[],
                  ${part.map((n) => n.position)}::int[], ${part.map((n) => n.code)}::text[], ${part.map((n) => n.title)}::text[])
        AS n(id, parent_id, kind, position, code, title)
    `.execute(db)
  }
  const today = opts.today ?? todayUtc()
  await sql`
    INSERT INTO task (id, workspace_id, description, priority, start_date, due_date)
    SELECT n.id, n.workspace_id,
           'Presentar el informe nacional con los avances, las dificultades y los próximos pasos.',
           (ARRAY['low','normal','normal','high'])[1 + abs(hashtext(n.id::text)) % 4],
           ${today}::date - 180,
           ${today}::date + 240
    FROM plan_node n WHERE n.plan_id = ${plan.id} AND n.kind = 'task'
  `.execute(db)
  // One assignment per task and country. h is a stable pseudo-random 0–999 per row.
  await sql`
    INSERT INTO assignment (workspace_id, task_id, assignee_kind, country_id, due_date, status, progress_note, version, updated_at)
    SELECT ${ws.id}::uuid, x.task_id, 'country', x.country_id,
           ${today}::date + (x.h % 360) - 100,
           CASE WHEN x.h2 < 300 THEN 'not_started' WHEN x.h2 < 550 THEN 'in_progress' WHEN x.h2 < 600 THEN 'blocked'
                WHEN x.h2 < 700 THEN 'submitted' WHEN x.h2 < 950 THEN 'completed' ELSE 'not_applicable' END,
           CASE WHEN x.h2 < 300 THEN '' ELSE 'Avance: se realizaron consultas con las instituciones nacionales competentes.' END,
           CASE WHEN x.h2 < 300 THEN 1 ELSE 2 + x.h % 3 END,
           now() - make_interval(days => x.h % 90)
    FROM (
      SELECT t.id AS task_id, c.id AS country_id,
             abs(hashtext(t.id::text || c.code)) % 1000 AS h,
             abs(hashtext(c.code || t.id::text)) % 1000 AS h2
      FROM task t CROSS JOIN country c
      WHERE t.workspace_id = ${ws.id} AND c.workspace_id = ${ws.id}
    ) x
  `.execute(db)
  await sql`
    INSERT INTO assignment_history (assignment_id, action, from_status, to_status, note, version, at)
    SELECT a.id, 'status_changed', 'not_started', a.status, a.progress_note, a.version, a.updated_at
    FROM assignment a WHERE a.workspace_id = ${ws.id} AND a.status <> 'not_started'
  `.execute(db)
  await sql`
    INSERT INTO comment (assignment_id, body, created_at)
    SELECT a.id, 'Gracias por el avance; por favor adjunten el documento oficial.', a.updated_at
    FROM assignment a WHERE a.workspace_id = ${ws.id} AND abs(hashtext(a.id::text)) % 10 = 0
  `.execute(db)
  await sql`
    INSERT INTO evidence (assignment_id, kind, url, created_at)
    SELECT a.id, 'link', 'https://example.org/informes/' || a.id, a.updated_at
    FROM assignment a WHERE a.workspace_id = ${ws.id} AND a.status IN ('submitted','completed') AND abs(hashtext(a.id::text)) % 3 = 0
  `.execute(db)
  const counts = await db
    .selectFrom('assignment')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', ws.id)
    .executeTakeFirstOrThrow()
  return { ...ws, planId: plan.id, countryCodes, taskCount: opts.tasks, assignmentCount: Number(counts.n) }
}

export interface BulkMember {
  userId: string
  email: string
  workspaceId: string
  role: Role
  countryCode: string | null
}

/**
 * `count` users with memberships in one workspace: a few secretariat
 * members, focal points spread over the countries, the rest observers.
 */
export async function createBulkMembers(
  db: Kysely<DB>,
  workspace: BulkWorkspace,
  count: number,
  opts: { secretariat?: number; focalPointsPerCountry?: number; emailPrefix?: string } = {},
): Promise<BulkMember[]> {
  const secretariat = Math.min(count, opts.secretariat ?? 5)
  const perCountry = opts.focalPointsPerCountry ?? 4
  const prefix = opts.emailPrefix ?? workspace.slug
  const plan: { role: Role; countryCode: string | null }[] = []
  for (let i = 0; i < secretariat; i++) plan.push({ role: 'secretariat', countryCode: null })
  for (let k = 0; k < perCountry; k++) {
    for (const code of workspace.countryCodes) if (plan.length < count) plan.push({ role: 'focal_point', countryCode: code })
  }
  while (plan.length < count) plan.push({ role: 'observer', countryCode: null })
  const emails = plan.map((p, i) => `${prefix}.${p.role.replace('_', '-')}.${p.countryCode?.toLowerCase() ?? 'x'}.${i + 1}@example.org`)
  const ids = plan.map(() => randomUUID())
  const locales = plan.map((_, i) => (['es', 'pt', 'en', null] as const)[i % 4])
  await sql`
    INSERT INTO app_user (id, email, name, locale)
    SELECT u.id, u.email, u.name, u.locale
    FROM unnest(${ids}::uuid[], ${emails}::text[], ${emails.map((_, i) => `Persona ${prefix} ${i + 1}`)}::text[], ${locales}::text[]) AS u(id, email, name, locale)
  `.execute(db)
  await sql`
    INSERT INTO membership (workspace_id, user_id, role, country_id)
    SELECT ${workspace.id}::uuid, m.user_id, m.role, c.id
    FROM unnest(${ids}::uuid[], ${plan.map((p) => p.role)}::text[], ${plan.map((p) => p.countryCode)}::text[]) AS m(user_id, role, country_code)
    LEFT JOIN country c ON c.workspace_id = ${workspace.id} AND c.code = m.country_code
  `.execute(db)
  return plan.map((p, i) => ({ userId: ids[i], email: emails[i], workspaceId: workspace.id, role: p.role, countryCode: p.countryCode }))
}

/**
 * `count` activity rows for a workspace, about its assignments, by its
 * members, over the last 200 days. One statement (generate_series).
 */
export async function createBulkActivity(db: Kysely<DB>, workspaceId: string, count: number): Promise<void> {
  if (count <= 0) return
  await sql`
    WITH subjects AS (SELECT array_agg(id) AS ids FROM assignment WHERE workspace_id = ${workspaceId}),
         actors AS (SELECT array_agg(user_id) AS ids FROM membership WHERE workspace_id = ${workspaceId})
    INSERT INTO activity (workspace_id, actor_id, action, subject_type, subject_id, before, after, ip, at)
    SELECT ${workspaceId}::uuid,
           actors.ids[1 + g % cardinality(actors.ids)],
           (ARRAY['assignment.updated','assignment.submitted','comment.added','assignment.verified'])[1 + g % 4],
           'assignment',
           subjects.ids[1 + (g::bigint * 7919) % cardinality(subjects.ids)],
           jsonb_build_object('status', 'not_started', 'version', 1),
           jsonb_build_object('status', 'in_progress', 'version', 2),
           '127.0.0.1',
           now() - make_interval(secs => (g % 17280000)::double precision)
    FROM generate_series(1, ${count}::int) AS g, subjects, actors
    WHERE cardinality(subjects.ids) > 0 AND cardinality(actors.ids) > 0
  `.execute(db)
}

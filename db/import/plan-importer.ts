import { readFile, stat } from 'node:fs/promises'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB, NodeKind } from '#db/types.ts'
import { AppError } from '#server/errors.ts'

/**
 * The plan importer: reads the tab-separated layout of
 * `db/seed/plan-of-action.txt` and writes it into a workspace's current plan.
 *
 * Layout: title and version lines, then the header row (first cell
 * "OBJETIVOS GENERALES", four tab-separated cells), then one row per task.
 * In the first three columns an empty cell carries down the value above it,
 * and a new value clears the columns to its right. A row whose fourth cell is
 * empty creates no task but still defines its parents.
 *
 * Idempotent: nodes are matched by title under the same parent, so running
 * it again creates nothing twice (see `matchChildren` for edited plans).
 *
 * Damaged cells are imported as written, with a warning naming the line, so
 * that the secretariat corrects them in the app: on the seed, the action line
 * "5" (line 37: a lone number) and the specific objectives that begin
 * mid-sentence (lines 6 and 22). Taking the cells literally gives the seed's
 * 5 general objectives, 12 specific objectives, 27 action lines (the "5"
 * among them, holding its task) and 29 tasks (the three rows with an empty
 * fourth cell define action lines without tasks).
 */

export const PLAN_LEVELS = ['general_objective', 'specific_objective', 'action_line', 'task'] as const satisfies readonly NodeKind[]
export type PlanLevel = (typeof PLAN_LEVELS)[number]

export interface PlanWarning {
  line: number
  message: string
}

/** One data row after carry-down: the full path from general objective to (maybe) task. */
export interface ParsedPlanRow {
  line: number
  generalObjective: string
  specificObjective: string | null
  actionLine: string | null
  task: string | null
}

/** A node of the plan as the file describes it, with the line that introduced it. */
export interface ParsedPlanNode {
  kind: PlanLevel
  title: string
  line: number
  children: ParsedPlanNode[]
}

export interface ParsedPlan {
  title: string
  versionLabel: string
  headerLine: number
  rows: ParsedPlanRow[]
  nodes: ParsedPlanNode[]
  warnings: PlanWarning[]
}

export interface LevelCount {
  created: number
  unchanged: number
}

export interface PlanImportReport {
  planId: string
  planCreated: boolean
  levels: Record<PlanLevel, LevelCount>
  totals: LevelCount
  warnings: PlanWarning[]
}

const HEADER_FIRST_CELLS = new Set([
  'OBJETIVOS GENERALES',
  'OBJETIVO GENERAL',
  'OBJETIVOS GERAIS',
  'OBJETIVO GERAL',
  'GENERAL OBJECTIVES',
  'GENERAL OBJECTIVE',
])

const KIND_LABEL: Record<PlanLevel, string> = {
  general_objective: 'general objective',
  specific_objective: 'specific objective',
  action_line: 'action line',
  task: 'task',
}

const MAX_TITLE = 2000
const DEFAULT_TITLE = 'Plan of Action'

function bad(message: string): never {
  throw new AppError('BAD_REQUEST', message)
}

/** Trimmed, with every run of white space (tabs excluded by the split) made one space. */
export function normaliseTitle(value: string): string {
  return value.replace(/\s+/g, ' ').trim()
}

/** The key titles are matched by: normalised, and case- and accent-insensitive for headers only. */
function headerKey(value: string) {
  return normaliseTitle(value)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
}

function preview(title: string) {
  return title.length > 60 ? `${title.slice(0, 57)}…` : title
}

function damageWarning(kind: PlanLevel, title: string): string | null {
  if (/^\d+([.,]\d+)*\.?$/.test(title)) {
    return `the ${KIND_LABEL[kind]} "${title}" is only a number; it looks damaged — correct its title in the app`
  }
  if (/^\p{Ll}/u.test(title)) {
    return `the ${KIND_LABEL[kind]} "${preview(title)}" starts in lower case and looks truncated — correct its title in the app`
  }
  return null
}

/**
 * Parses the text of a plan file. Pure: no database. Throws
 * AppError('BAD_REQUEST') with a message a person can act on when the text
 * is not a plan at all; cells that merely look damaged become warnings.
 */
export function parsePlan(text: string): ParsedPlan {
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim() === '') bad('The file is empty: expected a tab-separated plan of action.')
  // NUL and other C0 controls (tab, line feed, carriage return and form feed aside) never occur in a text export.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const control = body.search(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/)
  if (control >= 0) {
    const line = body.slice(0, control).split(/\r\n|\r|\n/).length
    bad(`This is not a text file (binary data at line ${line}): expected tab-separated text, such as a spreadsheet saved as "Text (tab-delimited)".`)
  }
  if (!body.includes('\t')) {
    bad('The file is not tab-separated: no tab characters found. Save the spreadsheet as "Text (tab-delimited)" and try again.')
  }

  const lines = body.split(/\r\n|\r|\n/)
  const warnings: PlanWarning[] = []
  const titleLines: { line: number; text: string }[] = []
  let headerIndex = -1
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    if (raw.trim() === '') continue
    const cells = raw.split('\t')
    if (cells.length >= 4 && HEADER_FIRST_CELLS.has(headerKey(cells[0] ?? ''))) {
      headerIndex = i
      break
    }
    if (cells.filter((c) => c.trim() !== '').length > 1) {
      bad(
        `No header row: line ${i + 1} holds tab-separated data before any header. ` +
          'The plan must start with its title and version lines, then a header row of four tab-separated cells whose first is "OBJETIVOS GENERALES".',
      )
    }
    titleLines.push({ line: i + 1, text: normaliseTitle(raw) })
  }
  if (headerIndex < 0) {
    bad('No header row: expected a row of four tab-separated cells whose first is "OBJETIVOS GENERALES" (general objectives, specific objectives, action lines, tasks).')
  }

  const title = titleLines[0]?.text.slice(0, MAX_TITLE) || DEFAULT_TITLE
  const versionLabel = titleLines[1]?.text.slice(0, 200) ?? ''
  for (const extra of titleLines.slice(2)) {
    warnings.push({ line: extra.line, message: `text before the header row ignored: "${preview(extra.text)}"` })
  }

  const rows: ParsedPlanRow[] = []
  const roots: ParsedPlanNode[] = []
  // The current node at each of the first three levels, carried down.
  const current: (ParsedPlanNode | null)[] = [null, null, null]
  const warned = new Set<string>()

  const childOf = (siblings: ParsedPlanNode[], kind: PlanLevel, title: string, line: number) => {
    const key = title
    const existing = siblings.find((n) => n.title === key)
    if (existing) return { node: existing, isNew: false }
    const node: ParsedPlanNode = { kind, title, line, children: [] }
    siblings.push(node)
    return { node, isNew: true }
  }

  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    if (raw.trim() === '') continue
    const line = i + 1
    const cells = raw.split('\t').map(normaliseTitle)
    const extra = cells.slice(4).filter((c) => c !== '')
    if (extra.length) warnings.push({ line, message: `${extra.length} cell(s) after the fourth column ignored` })
    const [c1 = '', c2 = '', c3 = '', c4 = ''] = cells

    for (const [index, cell] of [c1, c2, c3, c4].entries()) {
      if (cell.length > MAX_TITLE) bad(`Line ${line}, column ${index + 1}: the text is longer than ${MAX_TITLE} characters.`)
    }

    const levelCells = [c1, c2, c3]
    for (let level = 0; level < 3; level++) {
      const cell = levelCells[level] ?? ''
      if (cell === '') continue
      const kind = PLAN_LEVELS[level] as PlanLevel
      const parent = level === 0 ? null : current[level - 1]
      if (level > 0 && !parent) {
        bad(`Line ${line}: the ${KIND_LABEL[kind]} "${preview(cell)}" has no ${KIND_LABEL[PLAN_LEVELS[level - 1] as PlanLevel]} in column ${level} on this row or above it.`)
      }
      const { node } = childOf(parent ? parent.children : roots, kind, cell, line)
      current[level] = node
      // A new value clears the columns to its right.
      for (let right = level + 1; right < 3; right++) current[right] = null
    }

    const [go, so, al] = current
    if (!go) bad(`Line ${line}: no general objective in column 1 on this row or above it.`)
    if (c4 !== '') {
      if (!so || !al) {
        bad(`Line ${line}: the task "${preview(c4)}" has no ${!so ? 'specific objective' : 'action line'} in column ${!so ? 2 : 3} on this row or above it.`)
      }
      const { isNew } = childOf(al.children, 'task', c4, line)
      if (!isNew) warnings.push({ line, message: `the task "${preview(c4)}" appears twice under the same action line; imported once` })
    }
    rows.push({ line, generalObjective: go.title, specificObjective: so?.title ?? null, actionLine: al?.title ?? null, task: c4 || null })

    // Warn once per damaged cell, at the line where it is written.
    for (const [level, cell] of [c1, c2, c3, c4].entries()) {
      if (cell === '') continue
      const kind = PLAN_LEVELS[level] as PlanLevel
      const message = damageWarning(kind, cell)
      const key = `${line}:${level}`
      if (message && !warned.has(key)) {
        warned.add(key)
        warnings.push({ line, message })
      }
    }
  }

  if (roots.length === 0) bad('The file has a header row but no plan items below it.')
  warnings.sort((a, b) => a.line - b.line)
  return { title, versionLabel, headerLine: headerIndex + 1, rows, nodes: roots, warnings }
}

/** Decodes a file's bytes as UTF-8 text, refusing binary files. */
export function decodePlanFile(bytes: Uint8Array): string {
  if (bytes.length === 0) bad('The file is empty: expected a tab-separated plan of action.')
  if (bytes.includes(0)) bad('This is not a text file (it contains NUL bytes): expected tab-separated text, such as a spreadsheet saved as "Text (tab-delimited)".')
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    bad('The file is not UTF-8 text: save it as "Text (tab-delimited)" with UTF-8 encoding and try again.')
  }
}

interface ExistingNode {
  id: string
  parent_id: string | null
  kind: NodeKind
  position: number
  code: string
  title: string
}

function emptyReport(planId: string, planCreated: boolean, warnings: PlanWarning[]): PlanImportReport {
  const levels = Object.fromEntries(PLAN_LEVELS.map((l) => [l, { created: 0, unchanged: 0 }])) as Record<PlanLevel, LevelCount>
  return { planId, planCreated, levels, totals: { created: 0, unchanged: 0 }, warnings }
}

/**
 * Pairs the file's children of one parent with the existing ones: by
 * normalised title first. Then, so that an item corrected in the app (the
 * secretariat fixes the damaged cells there) is not imported a second time,
 * a still-unmatched file item takes a still-unclaimed existing sibling when
 * the existing title contains the file's (a truncated cell completed), or
 * when one of its children matches one of the file item's children by title
 * (a renamed objective or action line keeps its subtree). Items left over
 * are new. An item renamed beyond recognition, with no children in common,
 * is imported again: there is nothing left to recognise it by.
 */
function matchChildren(fileNodes: ParsedPlanNode[], existing: ExistingNode[], childrenOf: Map<string | null, ExistingNode[]>) {
  const byTitle = new Map<string, ExistingNode>()
  for (const node of [...existing].sort((a, b) => a.position - b.position)) {
    const key = normaliseTitle(node.title)
    if (!byTitle.has(key)) byTitle.set(key, node)
  }
  const claimed = new Set<string>()
  const matches = new Map<ParsedPlanNode, { node: ExistingNode; byTitle: boolean }>()
  for (const fileNode of fileNodes) {
    const found = byTitle.get(fileNode.title)
    if (found && !claimed.has(found.id)) {
      claimed.add(found.id)
      matches.set(fileNode, { node: found, byTitle: true })
    }
  }
  const unclaimed = () => existing.filter((n) => !claimed.has(n.id)).sort((a, b) => a.position - b.position)
  const sameChild = (fileNode: ParsedPlanNode, node: ExistingNode) => {
    const titles = new Set((childrenOf.get(node.id) ?? []).map((c) => normaliseTitle(c.title)))
    return fileNode.children.some((c) => titles.has(c.title))
  }
  for (const fileNode of fileNodes) {
    if (matches.has(fileNode)) continue
    const fileKey = fileNode.title.toLocaleLowerCase()
    const candidate =
      unclaimed().find((n) => normaliseTitle(n.title).toLocaleLowerCase().includes(fileKey)) ?? unclaimed().find((n) => sameChild(fileNode, n))
    if (candidate) {
      claimed.add(candidate.id)
      matches.set(fileNode, { node: candidate, byTitle: false })
    }
  }
  return matches
}

/**
 * Imports a plan into the workspace's current plan (creating the plan from
 * the title and version lines when there is none), in one transaction.
 */
export async function importPlan(db: Kysely<DB>, text: string, workspaceSlug: string): Promise<PlanImportReport> {
  const parsed = parsePlan(text)
  const slug = workspaceSlug.trim()
  if (!slug) bad('Name the workspace: --workspace <slug>.')

  return db.transaction().execute(async (trx) => {
    const workspace = await trx.selectFrom('workspace').select(['id']).where('slug', '=', slug).executeTakeFirst()
    if (!workspace) bad(`No workspace with the slug "${slug}".`)
    // Two imports into one workspace at once would both see "missing" and
    // both insert: serialise them.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`plan-import:${workspace.id}`}))`.execute(trx)

    let plan = await trx.selectFrom('plan').select(['id']).where('workspace_id', '=', workspace.id).where('is_current', '=', true).executeTakeFirst()
    const planCreated = !plan
    if (!plan) {
      plan = await trx
        .insertInto('plan')
        .values({ workspace_id: workspace.id, title: parsed.title, version_label: parsed.versionLabel, is_current: true })
        .returning(['id'])
        .executeTakeFirstOrThrow()
    }
    const report = emptyReport(plan.id, planCreated, [...parsed.warnings])

    // Archived nodes are matched too: what the secretariat archived stays archived, not re-created.
    const existing = await trx
      .selectFrom('plan_node')
      .select(['id', 'parent_id', 'kind', 'position', 'code', 'title'])
      .where('plan_id', '=', plan.id)
      .execute()
    const childrenOf = new Map<string | null, ExistingNode[]>()
    for (const node of existing) {
      const list = childrenOf.get(node.parent_id) ?? []
      list.push(node)
      childrenOf.set(node.parent_id, list)
    }

    await importLevel(trx, { workspaceId: workspace.id, planId: plan.id, parentId: null, parentCode: null, level: 0 }, parsed.nodes, childrenOf, report)

    for (const level of PLAN_LEVELS) {
      report.totals.created += report.levels[level].created
      report.totals.unchanged += report.levels[level].unchanged
    }
    report.warnings.sort((a, b) => a.line - b.line)

    await trx
      .insertInto('activity')
      .values({
        workspace_id: workspace.id,
        actor_id: null,
        action: 'plan.imported',
        subject_type: 'plan',
        subject_id: plan.id,
        before: null,
        after: JSON.stringify({ levels: report.levels, totals: report.totals, warnings: report.warnings.length }),
      })
      .execute()
    return report
  })
}

interface LevelContext {
  workspaceId: string
  planId: string
  parentId: string | null
  parentCode: string | null
  level: number
}

async function importLevel(
  trx: Transaction<DB>,
  ctx: LevelContext,
  fileNodes: ParsedPlanNode[],
  childrenOf: Map<string | null, ExistingNode[]>,
  report: PlanImportReport,
) {
  const kind = PLAN_LEVELS[ctx.level] as PlanLevel
  const siblings = (childrenOf.get(ctx.parentId) ?? []).filter((n) => n.kind === kind)
  const matches = matchChildren(fileNodes, siblings, childrenOf)
  // New items go after every existing sibling, whatever its kind.
  let nextPosition = Math.max(0, ...(childrenOf.get(ctx.parentId) ?? []).map((n) => n.position)) + 1

  for (const fileNode of fileNodes) {
    const match = matches.get(fileNode)
    let id: string
    let code: string
    if (match) {
      id = match.node.id
      code = match.node.code
      report.levels[kind].unchanged++
      if (!match.byTitle) {
        report.warnings.push({
          line: fileNode.line,
          message: `the ${KIND_LABEL[kind]} "${preview(fileNode.title)}" was taken to be ${code} "${preview(match.node.title)}" (renamed in the app); left unchanged`,
        })
      }
    } else {
      const position = nextPosition++
      code = ctx.parentCode ? `${ctx.parentCode}.${position}` : String(position)
      const inserted = await trx
        .insertInto('plan_node')
        .values({
          workspace_id: ctx.workspaceId,
          plan_id: ctx.planId,
          parent_id: ctx.parentId,
          kind,
          position,
          code,
          title: fileNode.title,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow()
      id = inserted.id
      if (kind === 'task') await trx.insertInto('task').values({ id, workspace_id: ctx.workspaceId }).execute()
      report.levels[kind].created++
    }
    if (fileNode.children.length) {
      await importLevel(trx, { ...ctx, parentId: id, parentCode: code, level: ctx.level + 1 }, fileNode.children, childrenOf, report)
    }
  }
}

/** Reads a file and imports it; every problem with the file is a BAD_REQUEST naming it. */
export async function importPlanFile(db: Kysely<DB>, filePath: string, workspaceSlug: string): Promise<PlanImportReport> {
  let bytes: Uint8Array
  try {
    const info = await stat(filePath)
    if (info.isDirectory()) bad(`${filePath} is a directory, not a plan file.`)
    if (info.size > 10 * 1024 * 1024) bad(`${filePath} is larger than 10 MB; a plan of action is a small text file.`)
    bytes = await readFile(filePath)
  } catch (error) {
    if (error instanceof AppError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') bad(`No such file: ${filePath}`)
    if (code === 'EACCES') bad(`Cannot read ${filePath}: permission denied.`)
    bad(`Cannot read ${filePath}: ${(error as Error).message}`)
  }
  return importPlan(db, decodePlanFile(bytes), workspaceSlug)
}

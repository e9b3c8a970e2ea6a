import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { searchWorkspace, toPrefixQuery } from '#server/services/search/search-workspace.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan } from '#tests/factories/plan.ts'

let ws: TestWorkspace
let other: TestWorkspace
let observer: Actor
let outsider: Actor
let ids: Record<string, string>

beforeAll(async () => {
  ws = await createWorkspace(db)
  other = await createWorkspace(db)
  observer = (await createMember(db, ws, 'observer')).actor
  outsider = (await createMember(db, other, 'secretariat')).actor
  const author = await createMember(db, ws, 'focal_point', { countryCode: 'BR' })
  const plan = await createPlan(db, ws, [
    'Gobernanza\tFlujos\tRegularización\tPolítica de migración regional',
    '\t\t\tInformação sobre trabalhadores migrantes',
    '\t\t\tTarea archivada sobre migración',
  ])
  await db.updateTable('task').set({ description: 'Estudio de la regularización migratoria en la región andina.' }).where('id', '=', plan.nodeId('1.1.1.1')).execute()
  await db.updateTable('plan_node').set({ archived_at: new Date() }).where('id', '=', plan.nodeId('1.1.1.3')).execute()
  const br = await createAssignment(db, ws, plan.nodeId('1.1.1.2'), { countryCode: 'BR' }, { dueDate: '2027-01-31' })
  await db.updateTable('assignment').set({ progress_note: 'A ação de capacitação foi concluída em São Paulo.' }).where('id', '=', br.id).execute()
  const comment = await db
    .insertInto('comment')
    .values({ assignment_id: br.id, author_id: author.user.id, body: 'Falta la evaluación del módulo de niñez migrante.' })
    .returning('id')
    .executeTakeFirstOrThrow()
  // The same words in another workspace: never found from this one.
  const otherPlan = await createPlan(db, other, ['Otro\tOtro\tOtro\tMigración secreta de otro espacio'])
  const oa = await createAssignment(db, other, otherPlan.nodeId('1.1.1.1'), { countryCode: 'AR' }, { dueDate: '2027-01-31' })
  await db.updateTable('assignment').set({ progress_note: 'Ação secreta' }).where('id', '=', oa.id).execute()
  ids = { policy: plan.nodeId('1.1.1.1'), info: plan.nodeId('1.1.1.2'), archived: plan.nodeId('1.1.1.3'), assignment: br.id, comment: comment.id, otherTask: otherPlan.nodeId('1.1.1.1') }
})

const search = (q: string, actor = observer) => searchWorkspace(actor, { workspaceId: ws.id, q })

describe('search', () => {
  it('"migracion" finds "migración" in a task title, without accents typed', async () => {
    const { hits } = await search('migracion')
    const task = hits.find((h) => h.kind === 'task' && h.taskId === ids.policy)
    expect(task).toBeDefined()
    expect(task!.taskCode).toBe('1.1.1.1')
    expect(task!.snippet.filter((p) => p.match).map((p) => p.text)).toContain('migración')
  })

  it('finds descriptions, and typed accents match unaccented text and the reverse', async () => {
    expect((await search('REGULARIZACION andina')).hits.map((h) => h.taskId)).toEqual([ids.policy])
    expect((await search('regularización')).hits.map((h) => h.taskId)).toContain(ids.policy)
  })

  it('is accent-insensitive in Portuguese: "informacao", "acao", "sao paulo", and prefixes', async () => {
    expect((await search('informacao')).hits.map((h) => h.taskId)).toEqual([ids.info])
    const note = (await search('acao capacitacao')).hits
    expect(note).toEqual([expect.objectContaining({ kind: 'progress_note', assignmentId: ids.assignment, countryCode: 'BR', taskId: ids.info })])
    expect((await search('São Paulo')).hits.map((h) => h.kind)).toEqual(['progress_note'])
    expect((await search('trabalhad')).hits.map((h) => h.taskId)).toEqual([ids.info])
  })

  it('finds comments, linked to their assignment', async () => {
    const { hits } = await search('ninez evaluacion')
    expect(hits).toEqual([expect.objectContaining({ kind: 'comment', commentId: ids.comment, assignmentId: ids.assignment })])
  })

  it('leaves out archived tasks and never leaks another workspace', async () => {
    const all = await search('migracion')
    expect(all.hits.map((h) => h.taskId)).not.toContain(ids.archived)
    expect(all.hits.map((h) => h.taskId)).not.toContain(ids.otherTask)
    expect((await search('secreta')).hits).toEqual([])
    // A member of the other workspace cannot search this one.
    await expect(search('migracion', outsider)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    // From their own workspace they find only their own.
    const theirs = await searchWorkspace(outsider, { workspaceId: other.id, q: 'migracion' })
    expect(theirs.hits.map((h) => h.taskId)).toEqual([ids.otherTask])
  })

  it('treats operators and punctuation as plain text and ignores empty queries', async () => {
    expect(toPrefixQuery(`migración & | ! ( ) ' : * <->`)).toBe('migración:*')
    expect(toPrefixQuery('  !!! ')).toBeNull()
    expect((await search(`migración') | !(`)).hits.length).toBeGreaterThan(0)
    expect((await search('   ')).hits).toEqual([])
    await expect(search('x'.repeat(201))).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'q' } })
  })

  it('has GIN indexes over exactly the expressions the search uses', async () => {
    const plans = await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx)
      const explain = async (query: ReturnType<typeof sql>) => (await sql<{ 'QUERY PLAN': string }>`EXPLAIN ${query}`.execute(trx)).rows.map((r) => r['QUERY PLAN']).join('\n')
      return [
        await explain(sql`SELECT id FROM assignment WHERE to_tsvector('ruta_search', progress_note) @@ to_tsquery('ruta_search', 'acao:*')`),
        await explain(sql`SELECT id FROM comment WHERE to_tsvector('ruta_search', body) @@ to_tsquery('ruta_search', 'acao:*')`),
        await explain(sql`SELECT id FROM plan_node WHERE to_tsvector('ruta_search', title) @@ to_tsquery('ruta_search', 'acao:*')`),
        await explain(sql`SELECT id FROM task WHERE to_tsvector('ruta_search', description) @@ to_tsquery('ruta_search', 'acao:*')`),
      ]
    })
    expect(plans[0]).toMatch(/assignment_note_fts_idx/)
    expect(plans[1]).toMatch(/comment_body_fts_idx/)
    expect(plans[2]).toMatch(/plan_node_title_fts_idx/)
    expect(plans[3]).toMatch(/task_description_fts_idx/)
  })
})

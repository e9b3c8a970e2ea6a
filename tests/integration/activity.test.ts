import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { csvField, exportActivityCsv } from '#server/services/activity/export-activity-csv.ts'
import { listActivity } from '#server/services/activity/list-activity.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'

let ws: TestWorkspace
let secretariat: Actor
let other: Actor
let focalPoint: Actor
let ana: { id: string }
let bruno: { id: string }

async function log(actorId: string | null, action: string, subjectType: string, at: string, before: unknown, after: unknown) {
  await db
    .insertInto('activity')
    .values({ workspace_id: ws.id, actor_id: actorId, action, subject_type: subjectType, subject_id: null, at, before: before === null ? null : JSON.stringify(before), after: JSON.stringify(after) })
    .execute()
}

async function collect(iterable: AsyncIterable<string>) {
  let text = ''
  for await (const chunk of iterable) text += chunk
  return text
}

beforeAll(async () => {
  ws = await createWorkspace(db)
  const sec = await createMember(db, ws, 'secretariat', { name: 'Ana, "la" Secretaria' })
  secretariat = { ...sec.actor, timeZone: 'America/Lima' }
  ana = sec.user
  bruno = (await createMember(db, ws, 'focal_point', { countryCode: 'BR', name: 'Bruno' })).user
  focalPoint = (await createMember(db, ws, 'focal_point', { countryCode: 'AR' })).actor
  const elsewhere = await createWorkspace(db)
  other = (await createMember(db, elsewhere, 'secretariat')).actor
  // 2027-03-01 04:30Z is still 2027-02-28 in Lima (UTC-5).
  await log(ana.id, 'plan_item.updated', 'task', '2027-03-01T04:30:00Z', { title: 'Old' }, { title: 'Migración, "fase 1"\nsegunda línea' })
  await log(bruno.id, 'assignment.updated', 'assignment', '2027-03-02T15:00:00Z', { status: 'not_started' }, { status: 'in_progress' })
  await log(ana.id, 'assignment.created', 'assignment', '2027-03-03T15:00:00Z', null, { assignee: 'BR' })
  await log(ana.id, 'plan_item.created', 'general_objective', '2027-03-04T15:00:00Z', null, { title: '=HYPERLINK("http://evil")' })
  for (let i = 0; i < 7; i++) await log(bruno.id, 'comment.added', 'assignment', `2027-04-0${i + 1}T12:00:00Z`, null, { n: i })
  await db.insertInto('activity').values({ workspace_id: elsewhere.id, actor_id: null, action: 'plan_item.created', subject_type: 'task', subject_id: null, after: '{}' }).execute()
})

describe('activity log', () => {
  it('lists newest first with who, what, when and before → after; filter options come from the log', async () => {
    const page = await listActivity(secretariat, { workspaceId: ws.id }, { withOptions: true })
    expect(page.items).toHaveLength(11)
    expect(page.items[0]).toMatchObject({ action: 'comment.added', actor: { name: 'Bruno' } })
    expect(page.items.at(-1)).toMatchObject({ action: 'plan_item.updated', before: { title: 'Old' }, actor: { id: ana.id } })
    expect(page.nextCursor).toBeNull()
    expect(page.options?.actions).toEqual(['assignment.created', 'assignment.updated', 'comment.added', 'plan_item.created', 'plan_item.updated'])
    expect(page.options?.subjectTypes).toEqual(['assignment', 'general_objective', 'task'])
    expect(page.options?.actors.map((a) => a.name).sort()).toEqual(['Ana, "la" Secretaria', 'Bruno'])
  })

  it('filters by actor, action, subject type and date range (days in the viewer’s time zone)', async () => {
    const byActor = await listActivity(secretariat, { workspaceId: ws.id, actorId: ana.id })
    expect(byActor.items.map((i) => i.action)).toEqual(['plan_item.created', 'assignment.created', 'plan_item.updated'])
    const byAction = await listActivity(secretariat, { workspaceId: ws.id, action: 'assignment.updated' })
    expect(byAction.items.map((i) => i.actor?.name)).toEqual(['Bruno'])
    const bySubject = await listActivity(secretariat, { workspaceId: ws.id, subjectType: 'assignment', actorId: ana.id })
    expect(bySubject.items.map((i) => i.action)).toEqual(['assignment.created'])
    const february = await listActivity(secretariat, { workspaceId: ws.id, from: '2027-02-28', to: '2027-02-28' })
    expect(february.items.map((i) => i.action)).toEqual(['plan_item.updated'])
    const march = await listActivity(secretariat, { workspaceId: ws.id, from: '2027-03-01', to: '2027-03-31' })
    expect(march.items.map((i) => i.action)).toEqual(['plan_item.created', 'assignment.created', 'assignment.updated'])
    await expect(listActivity(secretariat, { workspaceId: ws.id, from: '2027-03-05', to: '2027-03-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'to' } })
    await expect(listActivity(secretariat, { workspaceId: ws.id, from: '03/01/2027' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'from' } })
  })

  it('paginates by keyset without skipping or repeating rows, even with equal timestamps', async () => {
    await log(ana.id, 'tie', 'task', '2027-05-01T00:00:00.123456Z', null, { n: 1 })
    await log(ana.id, 'tie', 'task', '2027-05-01T00:00:00.123456Z', null, { n: 2 })
    await log(ana.id, 'tie', 'task', '2027-05-01T00:00:00.123457Z', null, { n: 3 })
    const seen: string[] = []
    let cursor: string | undefined
    for (let i = 0; i < 10; i++) {
      const page = await listActivity(secretariat, { workspaceId: ws.id, limit: 4, cursor })
      seen.push(...page.items.map((item) => item.id))
      if (!page.nextCursor) break
      cursor = page.nextCursor
    }
    expect(seen).toHaveLength(14)
    expect(new Set(seen).size).toBe(14)
    await expect(listActivity(secretariat, { workspaceId: ws.id, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'cursor' } })
    await db.deleteFrom('activity').where('action', '=', 'tie').execute()
  })

  it('is for the secretariat: a focal point FORBIDDEN, another workspace NOT_FOUND', async () => {
    await expect(listActivity(focalPoint, { workspaceId: ws.id })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(listActivity(other, { workspaceId: ws.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(() => exportActivityCsv(focalPoint, { workspaceId: ws.id })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }))
  })
})

describe('activity CSV export', () => {
  it('starts with a UTF-8 BOM and a header, quotes commas, quotes and line breaks, and follows the filters', async () => {
    const csv = await collect(exportActivityCsv(secretariat, { workspaceId: ws.id, actorId: ana.id }))
    expect(csv.startsWith('\uFEFFat_utc,actor_name,actor_email,action,subject_type,subject_id,before,after\r\n')).toBe(true)
    const lines = csv.slice(1).split('\r\n')
    expect(lines.at(-1)).toBe('')
    expect(lines).toHaveLength(5)
    expect(lines[3]).toBe(
      `2027-03-01T04:30:00.000Z,"Ana, ""la"" Secretaria",${(await db.selectFrom('app_user').select('email').where('id', '=', ana.id).executeTakeFirstOrThrow()).email},plan_item.updated,task,,"{""title"":""Old""}","{""title"":""Migración, \\""fase 1\\""\\nsegunda línea""}"`,
    )
    // A value a spreadsheet would run as a formula is neutralised.
    expect(lines[1]).toContain(`"{""title"":""=HYPERLINK(\\""http://evil\\"")""}"`)
    expect(csvField('=SUM(A1)')).toBe(`'=SUM(A1)`)
    expect(csvField('-1')).toBe(`'-1`)
    expect(csvField('a\nb')).toBe('"a\nb"')
    expect(csvField(' padded')).toBe('" padded"')
    expect(csvField(null)).toBe('')
  })

  it('streams the whole filtered log in batches', async () => {
    const rows = Array.from({ length: 2100 }, (_, i) => ({
      workspace_id: ws.id,
      actor_id: bruno.id,
      action: 'bulk',
      subject_type: 'assignment',
      subject_id: null,
      at: new Date(Date.UTC(2027, 5, 1) + i * 1000).toISOString(),
      after: JSON.stringify({ i }),
    }))
    await db.insertInto('activity').values(rows).execute()
    let chunks = 0
    let lines = 0
    for await (const chunk of exportActivityCsv(secretariat, { workspaceId: ws.id, action: 'bulk' })) {
      chunks++
      lines += chunk.split('\r\n').length - 1
    }
    expect(lines).toBe(2101)
    expect(chunks).toBe(4)
  })
})

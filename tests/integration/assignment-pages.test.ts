import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssignmentStatus, Role } from '#db/types.ts'
import { createSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { startTestServer, type TestServer } from '#tests/e2e/support/server.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan, type AssigneeSpec } from '#tests/factories/plan.ts'

/**
 * The assignment pages and their errors over real HTTP against the real
 * server: bad input through the forms (an upload of the wrong type or size)
 * changes nothing; tRPC errors carry what a caller needs; the board's filters
 * and pages. Who may open each page and post each form is in the
 * authorisation matrix (authz-matrix.test.ts).
 */
type Caller = 'secretariat' | 'fpOwn'

interface World {
  a: TestWorkspace
  taskA: string
  cookies: Partial<Record<Caller, string>>
}

let server: TestServer<World>
let w: World
let periods = 0

async function fixture(taskId: string, assignee: AssigneeSpec, status: AssignmentStatus = 'not_started', workspace = w.a) {
  periods += 1
  const period = `${2100 + Math.floor(periods / 12)}-${String((periods % 12) + 1).padStart(2, '0')}`
  return (await createAssignment(db, workspace, taskId, assignee, { status, dueDate: '2030-06-30', period })).id
}

beforeAll(async () => {
  server = await startTestServer(async () => {
    const a = await createWorkspace(db, { countries: ['AR', 'BR'] })
    const plan = await createPlan(db, a, ['G1\tS1\tA1\tT1'])
    const members: Record<Caller, { role: Role; countryCode?: string }> = {
      secretariat: { role: 'secretariat' },
      fpOwn: { role: 'focal_point', countryCode: 'AR' },
    }
    const cookies: World['cookies'] = {}
    for (const [caller, spec] of Object.entries(members)) {
      const { user } = await createMember(db, a, spec.role, { countryCode: spec.countryCode })
      cookies[caller as Caller] = (await createSession(user.id, { ip: '127.0.0.1', userAgent: 'assignment-pages' })).cookie.split(';')[0]
    }
    return { a, taskA: plan.nodeId('1.1.1.1'), cookies }
  })
  w = server.seeded
}, 120_000)

afterAll(async () => {
  await server?.close()
})

async function request(caller: Caller, path: string, form?: Record<string, string> | FormData) {
  const headers: Record<string, string> = {}
  const cookie = w.cookies[caller]
  if (cookie) headers.cookie = cookie
  let body: string | FormData | undefined
  if (form instanceof FormData) body = form
  else if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(form).toString()
  }
  if (form) headers.origin = server.url
  return fetch(`${server.url}${path}`, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' })
}

const page = (id: string) => `/w/${w.a.slug}/assignments/${id}`

describe('bad input through the forms changes nothing', () => {
  async function upload(id: string, name: string, data: Buffer) {
    const form = new FormData()
    form.set('intent', 'evidence')
    form.set('version', '1')
    form.set('file', new Blob([new Uint8Array(data)]), name)
    return request('fpOwn', `${page(id)}?lng=en`, form)
  }

  it('refuses a file of a type that is not allowed, and one over 20 MB, naming the field', async () => {
    const id = await fixture(w.taskA, { countryCode: 'AR' }, 'in_progress')
    const exe = await upload(id, 'tool.exe', Buffer.from('MZ\x90\x00'))
    expect(exe.status).toBe(400)
    expect(await exe.text()).toContain('This type of file is not accepted')
    const big = await upload(id, 'big.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20 * 1024 * 1024)]))
    expect(big.status).toBe(400)
    expect(await big.text()).toContain('The file is larger than 20 MB.')
    const ok = await upload(id, 'ok.pdf', Buffer.from('%PDF-1.4\nfine'))
    expect(ok.status).toBe(303)
    const evidence = await db.selectFrom('evidence').select('file_name').where('assignment_id', '=', id).execute()
    expect(evidence).toEqual([{ file_name: 'ok.pdf' }])
  })

  it('refuses a non-http link and an over-long comment with the message next to the field, keeping what was typed', async () => {
    const id = await fixture(w.taskA, { countryCode: 'AR' }, 'in_progress')
    const link = await request('fpOwn', `${page(id)}?lng=en`, { intent: 'update', version: '1', progressNote: 'Note', evidenceUrl: 'javascript:alert(1)' })
    expect(link.status).toBe(400)
    const html = await link.text()
    expect(html).toContain('id="update-evidenceUrl-error"')
    expect(html).toContain('The link must start with http:// or https://.')
    expect(html).toMatch(/aria-describedby="update-evidenceUrl-error"/)
    expect(html).toContain('value="javascript:alert(1)"')
    const long = await request('fpOwn', `${page(id)}?lng=en`, { intent: 'comment', body: 'x'.repeat(10_001) })
    expect(long.status).toBe(400)
    expect(await long.text()).toContain('The text is too long (at most 10 000 characters).')
    const row = await db.selectFrom('assignment').select(['version', 'progress_note']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(row).toEqual({ version: 1, progress_note: '' })
    const comments = await db.selectFrom('comment').select('id').where('assignment_id', '=', id).execute()
    expect(comments).toHaveLength(0)
  })
})

describe('errors over HTTP (tRPC)', () => {
  async function trpc(caller: Caller, path: string, input: unknown) {
    const response = await fetch(`${server.url}/api/trpc/${path}`, {
      method: 'POST',
      headers: { cookie: w.cookies[caller] ?? '', 'content-type': 'application/json', origin: server.url, 'accept-language': 'en' },
      body: JSON.stringify(input),
    })
    return { status: response.status, body: (await response.json()) as { error?: { message: string; data: Record<string, unknown> } } }
  }

  it('a stale version is 409 with data.conflict naming who and when, in the caller\'s language', async () => {
    const id = await fixture(w.taskA, { countryCode: 'AR' })
    const first = await trpc('fpOwn', 'assignment.update', { assignmentId: id, version: 1, status: 'in_progress' })
    expect(first.status).toBe(200)
    const stale = await trpc('secretariat', 'assignment.update', { assignmentId: id, version: 1, progressNote: 'mine' })
    expect(stale.status).toBe(409)
    const row = await db
      .selectFrom('assignment as a')
      .innerJoin('app_user as u', 'u.id', 'a.updated_by')
      .select(['u.name', 'a.updated_at'])
      .where('a.id', '=', id)
      .executeTakeFirstOrThrow()
    expect(stale.body.error?.data.conflict).toEqual({ by: row.name, at: row.updated_at.toISOString() })
    expect(stale.body.error?.data.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    // The users of this workspace speak Spanish (their country's language).
    expect(stale.body.error?.message).toBe(`${row.name} cambió esta asignación el ${row.updated_at.toISOString()}. Recargue y vuelva a aplicar su cambio.`)
  })

  it('a move the table does not allow is 400 with data.allowed and data.field', async () => {
    const id = await fixture(w.taskA, { countryCode: 'AR' })
    const refused = await trpc('fpOwn', 'assignment.update', { assignmentId: id, version: 1, status: 'completed' })
    expect(refused.status).toBe(400)
    expect(refused.body.error?.data).toMatchObject({ field: 'status', allowed: ['in_progress', 'not_applicable'] })
    const url = await trpc('fpOwn', 'assignment.update', { assignmentId: id, version: 1, evidenceUrl: 'ftp://example.org/x' })
    expect(url.status).toBe(400)
    expect(url.body.error?.data.field).toBe('evidenceUrl')
  })
})

describe('errors over HTTP (tRPC, task.assign)', () => {
  it('name the field and speak the caller’s language (task.assign with unknown codes, ?lng=pt)', async () => {
    const response = await fetch(`${server.url}/api/trpc/task.assign?lng=pt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: w.cookies.secretariat ?? '' },
      body: JSON.stringify({ taskId: w.taskA, countryCodes: ['AR', 'ZZ'], dueDate: '2031-01-31' }),
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { message: string; data: { code: string; field?: string; requestId?: string } } }
    expect(body.error.data).toMatchObject({ code: 'BAD_REQUEST', field: 'countryCodes' })
    expect(body.error.data.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(body.error.message).toBe('Não há nenhum Estado membro com o código ZZ neste espaço de trabalho.')
  })
})

describe('the board page', () => {
  it('filters from the URL, pages with a Next page link, and shows a bad filter next to its field', async () => {
    const board = await createWorkspace(db, { countries: ['AR', 'BR'] })
    const plan = await createPlan(db, board, ['G\tS\tA\tT1', 'G2\tS2\tA2\tT2'])
    const { user } = await createMember(db, board, 'secretariat')
    const cookie = (await createSession(user.id, { ip: '127.0.0.1', userAgent: 'board' })).cookie.split(';')[0]
    const ids: string[] = []
    for (let i = 0; i < 55; i++) {
      const day = String((i % 28) + 1).padStart(2, '0')
      ids.push((await createAssignment(db, board, plan.nodeId('1.1.1.1'), { countryCode: 'AR' }, { dueDate: `2031-${i < 28 ? '01' : '02'}-${day}`, period: `2040-${String((i % 12) + 1).padStart(2, '0')}`.replace('2040', String(2040 + Math.floor(i / 12))) })).id)
    }
    const br = (await createAssignment(db, board, plan.nodeId('2.1.1.1'), { countryCode: 'BR' }, { dueDate: '2030-05-05', status: 'submitted' })).id
    const get = async (query: string) => {
      const response = await fetch(`${server.url}/w/${board.slug}/board${query}`, { headers: { cookie } })
      return { status: response.status, html: await response.text() }
    }
    const linked = (html: string) => [...html.matchAll(/href="\/w\/[^/]+\/assignments\/([0-9a-f-]{36})"/g)].map((m) => m[1])

    const first = await get('?lng=en&country=AR')
    expect(first.status).toBe(200)
    const firstIds = linked(first.html)
    // The secretariat's "waiting for verification" list is empty of AR rows; the table holds the first 50 AR rows.
    expect(firstIds.filter((id) => id !== br)).toHaveLength(50)
    const next = /href="([^"]*cursor=[^"]*)"[^>]*>Next page</.exec(first.html)?.[1]?.replace(/&amp;/g, '&')
    expect(next).toContain('country=AR')
    const second = await get(`${next?.replace(`/w/${board.slug}/board`, '') ?? ''}&lng=en`)
    const secondIds = linked(second.html).filter((id) => id !== br)
    expect(secondIds).toHaveLength(5)
    expect(new Set([...firstIds, ...secondIds].filter((id) => id !== br))).toEqual(new Set(ids))
    expect(second.html).not.toContain('>Next page<')
    expect(second.html).toContain('>First page<')

    // Waiting for verification, prominently, for the secretariat.
    const waiting = /<section[^>]*aria-labelledby="waiting-heading"[\s\S]*?<\/section>/.exec(first.html)?.[0] ?? ''
    expect(linked(waiting)).toEqual([br])

    const objective = await get('?lng=en&objective=2')
    expect(linked(objective.html).filter((id, i, all) => all.indexOf(id) === i)).toEqual([br])

    const bad = await get('?lng=en&dueFrom=2031-13-45')
    expect(bad.status).toBe(200)
    expect(bad.html).toContain('id="filter-dueFrom-error"')
    expect(bad.html).toMatch(/aria-describedby="filter-dueFrom-error"/)
    expect(bad.html).toContain('Check the “Due from” filter: the value is not valid.')
  })
})

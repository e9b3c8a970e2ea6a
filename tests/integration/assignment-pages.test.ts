import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssignmentStatus, Role } from '#db/types.ts'
import { createSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { startTestServer, type TestServer } from '#tests/e2e/support/server.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan, type AssigneeSpec } from '#tests/factories/plan.ts'

/**
 * The authorisation matrix of the assignment pages (loaders and actions of
 * the home, the board, the assignment page and the evidence download), over
 * real HTTP against the real server, for every kind of caller; and bad input
 * through the forms (an upload of the wrong type or size) changes nothing.
 */
type Caller = 'secretariat' | 'fpOwn' | 'fpOther' | 'partner' | 'observer' | 'otherWorkspace' | 'anonymous'
const CALLERS: Caller[] = ['secretariat', 'fpOwn', 'fpOther', 'partner', 'observer', 'otherWorkspace', 'anonymous']
/** 'ok' = 200 for a page, 303 back to the page for a form; 'login' = 303 to /login. */
type Outcome = 'ok' | 'board' | 'login' | 403 | 404

interface World {
  a: TestWorkspace
  taskA: string
  taskIom: string
  cookies: Partial<Record<Caller, string>>
  evidenceId: string
  foreignAssignment: string
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
    const b = await createWorkspace(db, { countries: ['AR'] })
    const plan = await createPlan(db, a, ['G1\tS1\tA1\tT1', '\t\t\tT2 led by IOM'])
    const planB = await createPlan(db, b, ['G1\tS1\tA1\tT1'])
    const members: Record<Exclude<Caller, 'anonymous'>, { role: Role; ws: TestWorkspace; countryCode?: string; organisationCode?: string }> = {
      secretariat: { role: 'secretariat', ws: a },
      fpOwn: { role: 'focal_point', ws: a, countryCode: 'AR' },
      fpOther: { role: 'focal_point', ws: a, countryCode: 'BR' },
      partner: { role: 'partner', ws: a, organisationCode: 'IOM' },
      observer: { role: 'observer', ws: a },
      otherWorkspace: { role: 'secretariat', ws: b },
    }
    const cookies: World['cookies'] = {}
    for (const [caller, spec] of Object.entries(members)) {
      const { user } = await createMember(db, spec.ws, spec.role, { countryCode: spec.countryCode, organisationCode: spec.organisationCode })
      cookies[caller as Caller] = (await createSession(user.id, { ip: '127.0.0.1', userAgent: 'pages-matrix' })).cookie.split(';')[0]
    }
    const withFile = await createAssignment(db, a, plan.nodeId('1.1.1.1'), { countryCode: 'BR' }, { dueDate: '2030-01-01' })
    const evidence = await db
      .insertInto('evidence')
      .values({ assignment_id: withFile.id, kind: 'file', file_name: 'informe.pdf', content_type: 'application/pdf', size_bytes: 9 })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('evidence_file').values({ evidence_id: evidence.id, data: Buffer.from('%PDF-1.4\n') }).execute()
    const foreign = await createAssignment(db, b, planB.nodeId('1.1.1.1'), { countryCode: 'AR' }, { dueDate: '2030-01-01' })
    return { a, taskA: plan.nodeId('1.1.1.1'), taskIom: plan.nodeId('1.1.1.2'), cookies, evidenceId: evidence.id, foreignAssignment: foreign.id }
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

function outcomeOf(response: Response, path: string): Outcome | number {
  const location = response.headers.get('location') ?? ''
  if (response.status === 303 && location.startsWith('/login')) return 'login'
  if (response.status === 302 && location.endsWith('/board')) return 'board'
  if (response.status === 200) return 'ok'
  if (response.status === 303 && location.startsWith(path.split('?')[0]) && location.includes('saved=')) return 'ok'
  return response.status
}

const members: Record<Caller, Outcome> = { secretariat: 'ok', fpOwn: 'ok', fpOther: 'ok', partner: 'ok', observer: 'ok', otherWorkspace: 404, anonymous: 'login' }
const secretariatOnly: Record<Caller, Outcome> = { secretariat: 'ok', fpOwn: 403, fpOther: 403, partner: 403, observer: 403, otherWorkspace: 404, anonymous: 'login' }

interface Case {
  name: string
  expected: Record<Caller, Outcome>
  /** Returns the path, the form (for an action) and the assignment it may change. */
  make: () => Promise<{ path: string; form?: Record<string, string>; assignmentId?: string }>
}

const page = (id: string) => `/w/${w.a.slug}/assignments/${id}`
const cases: Case[] = [
  { name: 'GET the board', expected: members, make: async () => ({ path: `/w/${w.a.slug}/board` }) },
  {
    name: 'GET the workspace home',
    expected: { ...members, secretariat: 'board', observer: 'board' },
    make: async () => ({ path: `/w/${w.a.slug}` }),
  },
  { name: 'GET an assignment page', expected: members, make: async () => ({ path: page(await fixture(w.taskA, { countryCode: 'AR' })) }) },
  { name: 'GET an evidence file', expected: members, make: async () => ({ path: `/w/${w.a.slug}/evidence/${w.evidenceId}` }) },
  {
    name: "POST update (own country's assignment)",
    expected: { ...secretariatOnly, fpOwn: 'ok' },
    make: async () => {
      const id = await fixture(w.taskA, { countryCode: 'AR' })
      return { path: page(id), form: { intent: 'update', version: '1', status: 'in_progress', progressNote: '' }, assignmentId: id }
    },
  },
  {
    name: "POST update (an organisation's assignment)",
    expected: { ...secretariatOnly, partner: 'ok' },
    make: async () => {
      const id = await fixture(w.taskIom, { organisationCode: 'IOM' })
      return { path: page(id), form: { intent: 'update', version: '1', status: 'in_progress', progressNote: '' }, assignmentId: id }
    },
  },
  {
    name: 'POST evidence link',
    expected: { ...secretariatOnly, fpOwn: 'ok' },
    make: async () => {
      const id = await fixture(w.taskA, { countryCode: 'AR' })
      return { path: page(id), form: { intent: 'evidence', version: '1', url: 'https://example.org/report' }, assignmentId: id }
    },
  },
  {
    name: 'POST verify',
    expected: secretariatOnly,
    make: async () => {
      const id = await fixture(w.taskA, { countryCode: 'AR' }, 'submitted')
      return { path: page(id), form: { intent: 'verify', version: '1' }, assignmentId: id }
    },
  },
  {
    name: 'POST return',
    expected: secretariatOnly,
    make: async () => {
      const id = await fixture(w.taskA, { countryCode: 'AR' }, 'submitted')
      return { path: page(id), form: { intent: 'return', version: '1', comment: 'Add the decree number.' }, assignmentId: id }
    },
  },
  {
    name: 'POST comment',
    expected: { ...secretariatOnly, fpOwn: 'ok', fpOther: 'ok', partner: 'ok' },
    make: async () => ({ path: page(await fixture(w.taskA, { countryCode: 'AR' })), form: { intent: 'comment', body: 'A comment.' } }),
  },
]

describe('authorisation matrix: assignment pages and their forms', () => {
  for (const c of cases) {
    for (const caller of CALLERS) {
      it(`${c.name} as ${caller} → ${c.expected[caller]}`, async () => {
        const { path, form, assignmentId } = await c.make()
        const response = await request(caller, path, form)
        expect(outcomeOf(response, path)).toBe(c.expected[caller])
        if (assignmentId) {
          const row = await db.selectFrom('assignment').select('version').where('id', '=', assignmentId).executeTakeFirstOrThrow()
          expect(row.version).toBe(c.expected[caller] === 'ok' ? 2 : 1)
        }
      })
    }
  }

  it("an assignment of another workspace is not found under this workspace's address, even for its secretariat", async () => {
    const response = await request('secretariat', page(w.foreignAssignment))
    expect(response.status).toBe(404)
    const post = await request('secretariat', page(w.foreignAssignment), { intent: 'update', version: '1', status: 'in_progress', progressNote: '' })
    expect(post.status).toBe(404)
    const row = await db.selectFrom('assignment').select('version').where('id', '=', w.foreignAssignment).executeTakeFirstOrThrow()
    expect(row.version).toBe(1)
  })
})

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
    expect(stale.body.error?.data.requestId).toBeTruthy()
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

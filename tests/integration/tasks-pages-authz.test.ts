import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '#db/types.ts'
import { createSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { startTestServer, type TestServer } from '#tests/e2e/support/server.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createPlan } from '#tests/factories/plan.ts'

/**
 * The authorisation matrix of the task page, the plan editor, the activity
 * log (and its CSV), search, and the planItem procedures not covered by
 * authz-matrix.test.ts: every kind of caller, over real HTTP.
 */
type Caller = 'secretariat' | 'focalPoint' | 'partner' | 'observer' | 'otherWorkspace' | 'anonymous'
const CALLERS: Caller[] = ['secretariat', 'focalPoint', 'partner', 'observer', 'otherWorkspace', 'anonymous']
type Outcome = 'OK' | 'FORBIDDEN' | 'NOT_FOUND' | 'SIGN_IN'

const members: Record<Caller, Outcome> = { secretariat: 'OK', focalPoint: 'OK', partner: 'OK', observer: 'OK', otherWorkspace: 'NOT_FOUND', anonymous: 'SIGN_IN' }
const secretariatOnly: Record<Caller, Outcome> = { ...members, focalPoint: 'FORBIDDEN', partner: 'FORBIDDEN', observer: 'FORBIDDEN' }

interface World {
  a: TestWorkspace
  taskA: string
  taskB: string
  nodeA: string
  cookies: Partial<Record<Caller, string>>
}

let server: TestServer<World>
let w: World

beforeAll(async () => {
  server = await startTestServer(async () => {
    const a = await createWorkspace(db, { countries: ['AR', 'BR'] })
    const b = await createWorkspace(db, { countries: ['AR'] })
    const planA = await createPlan(db, a, ['G1\tS1\tA1\tT1', '\t\t\tT2'])
    const planB = await createPlan(db, b, ['G1\tS1\tA1\tT1'])
    const roles: Record<Exclude<Caller, 'anonymous'>, { role: Role; ws: TestWorkspace; countryCode?: string }> = {
      secretariat: { role: 'secretariat', ws: a },
      focalPoint: { role: 'focal_point', ws: a, countryCode: 'AR' },
      partner: { role: 'partner', ws: a },
      observer: { role: 'observer', ws: a },
      otherWorkspace: { role: 'secretariat', ws: b },
    }
    const cookies: World['cookies'] = {}
    for (const [caller, spec] of Object.entries(roles)) {
      const { user } = await createMember(db, spec.ws, spec.role, { countryCode: spec.countryCode })
      const session = await createSession(user.id, { ip: '127.0.0.1', userAgent: 'tasks-matrix' })
      cookies[caller as Caller] = session.cookie.split(';')[0]
    }
    return { a, taskA: planA.nodeId('1.1.1.1'), taskB: planB.nodeId('1.1.1.1'), nodeA: planA.nodeId('1.1.1.2'), cookies }
  })
  w = server.seeded
}, 300_000)

afterAll(async () => {
  await server?.close()
})

async function request(caller: Caller, path: string, form?: Record<string, string>) {
  const headers: Record<string, string> = {}
  const cookie = w.cookies[caller]
  if (cookie) headers.cookie = cookie
  const init: RequestInit = { headers, redirect: 'manual' }
  if (form) {
    init.method = 'POST'
    headers.origin = server.url
    headers['content-type'] = 'application/x-www-form-urlencoded'
    init.body = new URLSearchParams(form).toString()
  }
  const response = await fetch(`${server.url}${path}`, init)
  const location = response.headers.get('location') ?? ''
  const outcome: Outcome | number =
    response.status === 403 ? 'FORBIDDEN' : response.status === 404 ? 'NOT_FOUND' : response.status === 303 && location.startsWith('/login') ? 'SIGN_IN' : response.status === 200 || response.status === 303 ? 'OK' : response.status
  return { outcome, status: response.status, location }
}

interface PageCase {
  name: string
  path: () => string
  form?: () => Promise<Record<string, string>>
  expected: Record<Caller, Outcome>
}

const currentVersion = async (id: string) => String((await db.selectFrom('plan_node').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version)

const pages: PageCase[] = [
  { name: 'GET task page', path: () => `/w/${w.a.slug}/tasks/${w.taskA}`, expected: members },
  { name: 'GET search', path: () => `/w/${w.a.slug}/search?q=t1`, expected: members },
  { name: 'GET plan editor', path: () => `/w/${w.a.slug}/plan/edit`, expected: secretariatOnly },
  { name: 'GET activity', path: () => `/w/${w.a.slug}/activity`, expected: secretariatOnly },
  { name: 'GET activity.csv', path: () => `/w/${w.a.slug}/activity.csv`, expected: secretariatOnly },
  {
    name: 'POST task page: assign',
    path: () => `/w/${w.a.slug}/tasks/${w.taskA}`,
    form: async () => ({ intent: 'assign', countryCodes: 'AR', dueDate: '2031-01-31' }),
    expected: secretariatOnly,
  },
  {
    name: 'POST task page: update',
    path: () => `/w/${w.a.slug}/tasks/${w.taskA}`,
    form: async () => ({ intent: 'update', version: await currentVersion(w.taskA), title: 'T1', priority: 'high' }),
    expected: secretariatOnly,
  },
  {
    name: 'POST plan editor: create',
    path: () => `/w/${w.a.slug}/plan/edit`,
    form: async () => ({ intent: 'create', parentId: '', title: 'Another objective' }),
    expected: secretariatOnly,
  },
  {
    name: 'POST plan editor: rename',
    path: () => `/w/${w.a.slug}/plan/edit`,
    form: async () => ({ intent: 'rename', id: w.nodeA, version: await currentVersion(w.nodeA), title: `T2 ${Math.random()}` }),
    expected: secretariatOnly,
  },
  { name: 'POST plan editor: move', path: () => `/w/${w.a.slug}/plan/edit`, form: async () => ({ intent: 'move', id: w.nodeA, direction: 'up' }), expected: secretariatOnly },
  { name: 'POST plan editor: archive', path: () => `/w/${w.a.slug}/plan/edit`, form: async () => ({ intent: 'archive', id: w.nodeA }), expected: secretariatOnly },
  { name: 'POST plan editor: restore', path: () => `/w/${w.a.slug}/plan/edit`, form: async () => ({ intent: 'restore', id: w.nodeA }), expected: secretariatOnly },
]

describe('authorisation matrix: task, plan editor, activity and search pages', () => {
  for (const page of pages) {
    for (const caller of CALLERS) {
      it(`${page.name} as ${caller} → ${page.expected[caller]}`, async () => {
        const result = await request(caller, page.path(), page.form ? await page.form() : undefined)
        expect(result.outcome, JSON.stringify(result)).toBe(page.expected[caller])
      })
    }
  }

  it("another workspace's task through this workspace's URL is NOT_FOUND, even for this workspace's secretariat", async () => {
    expect((await request('secretariat', `/w/${w.a.slug}/tasks/${w.taskB}`)).outcome).toBe('NOT_FOUND')
    expect((await request('secretariat', `/w/${w.a.slug}/tasks/${w.taskB}`, { intent: 'assign', countryCodes: 'AR', dueDate: '2031-01-31' })).outcome).toBe('NOT_FOUND')
    expect(await db.selectFrom('assignment').select('id').where('task_id', '=', w.taskB).execute()).toEqual([])
    expect((await request('secretariat', `/w/${w.a.slug}/tasks/not-a-uuid`)).outcome).toBe('NOT_FOUND')
  })
})

describe('authorisation matrix: planItem.update and planItem.move over HTTP', () => {
  const expected: Record<Caller, string> = {
    secretariat: 'OK',
    focalPoint: 'FORBIDDEN',
    partner: 'FORBIDDEN',
    observer: 'FORBIDDEN',
    otherWorkspace: 'NOT_FOUND',
    anonymous: 'UNAUTHORIZED',
  }
  for (const procedure of ['planItem.update', 'planItem.move'] as const) {
    for (const caller of CALLERS) {
      it(`${procedure} as ${caller} → ${expected[caller]}`, async () => {
        const input = procedure === 'planItem.update' ? { id: w.nodeA, version: Number(await currentVersion(w.nodeA)), priority: 'low' } : { id: w.nodeA, direction: 'down' }
        const headers: Record<string, string> = { 'content-type': 'application/json', origin: server.url }
        const cookie = w.cookies[caller]
        if (cookie) headers.cookie = cookie
        const response = await fetch(`${server.url}/api/trpc/${procedure}`, { method: 'POST', headers, body: JSON.stringify(input) })
        const body = (await response.json()) as { error?: { data?: { code?: string } } }
        expect(body.error ? body.error.data?.code : 'OK').toBe(expected[caller])
      })
    }
  }
})

describe('errors over HTTP', () => {
  it('name the field and speak the caller’s language (task.assign with unknown codes, ?lng=pt)', async () => {
    const response = await fetch(`${server.url}/api/trpc/task.assign?lng=pt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: w.cookies.secretariat ?? '' },
      body: JSON.stringify({ taskId: w.taskA, countryCodes: ['AR', 'ZZ'], dueDate: '2031-01-31' }),
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { message: string; data: { code: string; field?: string; requestId?: string } } }
    expect(body.error.data).toMatchObject({ code: 'BAD_REQUEST', field: 'countryCodes' })
    expect(body.error.data.requestId).toBeTruthy()
    expect(body.error.message).toBe('Não há nenhum Estado membro com o código ZZ neste espaço de trabalho.')
  })
})

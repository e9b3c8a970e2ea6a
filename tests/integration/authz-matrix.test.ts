import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssignmentStatus, Role } from '#db/types.ts'
import { createApiToken, revokeApiToken } from '#server/auth/api-token.ts'
import { createSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { startTestServer, type TestServer } from '#tests/e2e/support/server.ts'
import { createMember, createUser, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan, type AssigneeSpec } from '#tests/factories/plan.ts'

/**
 * The authorisation matrix: every tRPC procedure of API.md (and those added
 * since) and every page loader and action, for every kind of caller, over
 * real HTTP against the real server. Every member reads their whole
 * workspace; writes follow the role table; another workspace's ids are
 * NOT_FOUND; no credentials (or a revoked token) are UNAUTHORIZED.
 */
type Caller = 'secretariat' | 'fpOwn' | 'fpOther' | 'partner' | 'observer' | 'otherWorkspace' | 'anonymous' | 'revokedToken'
const CALLERS: Caller[] = ['secretariat', 'fpOwn', 'fpOther', 'partner', 'observer', 'otherWorkspace', 'anonymous', 'revokedToken']
type Outcome = 'OK' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHORIZED'

interface World {
  a: TestWorkspace
  b: TestWorkspace
  taskA: string
  taskIom: string
  taskB: string
  planNodeA: string
  credentials: Record<Caller, { cookie?: string; bearer?: string }>
}

let server: TestServer<World>
let w: World
let periodCounter = 0

async function fixtureAssignment(workspace: TestWorkspace, taskId: string, assignee: AssigneeSpec, status: AssignmentStatus = 'not_started') {
  // A new period per fixture keeps (task, assignee, period) unique.
  const n = periodCounter++
  const period = `${2100 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`
  const row = await createAssignment(db, workspace, taskId, assignee, { status, dueDate: '2030-06-30', period })
  return row.id
}

const everyMemberReads: Record<Caller, Outcome> = {
  secretariat: 'OK', fpOwn: 'OK', fpOther: 'OK', partner: 'OK', observer: 'OK', otherWorkspace: 'NOT_FOUND', anonymous: 'UNAUTHORIZED', revokedToken: 'UNAUTHORIZED',
}
const anyoneSignedIn: Record<Caller, Outcome> = { ...everyMemberReads, otherWorkspace: 'OK' }
const secretariatOnly: Record<Caller, Outcome> = {
  secretariat: 'OK', fpOwn: 'FORBIDDEN', fpOther: 'FORBIDDEN', partner: 'FORBIDDEN', observer: 'FORBIDDEN', otherWorkspace: 'NOT_FOUND', anonymous: 'UNAUTHORIZED', revokedToken: 'UNAUTHORIZED',
}
const ownCountry: Record<Caller, Outcome> = { ...secretariatOnly, fpOwn: 'OK' }
const ownOrganisation: Record<Caller, Outcome> = { ...secretariatOnly, partner: 'OK' }
const commenters: Record<Caller, Outcome> = { ...secretariatOnly, fpOwn: 'OK', fpOther: 'OK', partner: 'OK' }

interface ProcedureCase {
  name: string
  kind: 'query' | 'mutation'
  input: () => Promise<unknown>
  expected: Record<Caller, Outcome>
}

const procedures: ProcedureCase[] = [
  { name: 'auth.me', kind: 'query', input: async () => undefined, expected: anyoneSignedIn },
  { name: 'workspace.list', kind: 'query', input: async () => undefined, expected: anyoneSignedIn },
  { name: 'plan.tree', kind: 'query', input: async () => ({ workspaceId: w.a.id }), expected: everyMemberReads },
  { name: 'assignment.list', kind: 'query', input: async () => ({ workspaceId: w.a.id }), expected: everyMemberReads },
  { name: 'assignment.list (a country filter)', kind: 'query', input: async () => ({ workspaceId: w.a.id, countryCode: 'BR' }), expected: everyMemberReads },
  { name: 'assignment.get', kind: 'query', input: async () => ({ assignmentId: await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' }) }), expected: everyMemberReads },
  { name: 'task.get', kind: 'query', input: async () => ({ taskId: w.taskA }), expected: everyMemberReads },
  {
    name: 'assignment.update (own country)',
    kind: 'mutation',
    input: async () => ({ assignmentId: await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' }), version: 1, status: 'in_progress' }),
    expected: ownCountry,
  },
  {
    name: "assignment.update (an organisation's)",
    kind: 'mutation',
    input: async () => ({ assignmentId: await fixtureAssignment(w.a, w.taskIom, { organisationCode: 'IOM' }), version: 1, status: 'in_progress' }),
    expected: ownOrganisation,
  },
  {
    name: 'assignment.verify',
    kind: 'mutation',
    input: async () => ({ assignmentId: await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' }, 'submitted'), version: 1 }),
    expected: secretariatOnly,
  },
  {
    name: 'assignment.return',
    kind: 'mutation',
    input: async () => ({ assignmentId: await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' }, 'submitted'), version: 1, comment: 'Please add the decree number.' }),
    expected: secretariatOnly,
  },
  {
    name: 'comment.add',
    kind: 'mutation',
    input: async () => ({ assignmentId: await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' }), body: 'A comment.' }),
    expected: commenters,
  },
  { name: 'task.assign', kind: 'mutation', input: async () => ({ taskId: w.taskA, countryCodes: ['AR'], dueDate: '2031-01-31' }), expected: secretariatOnly },
  {
    name: 'planItem.create',
    kind: 'mutation',
    input: async () => ({ workspaceId: w.a.id, parentId: null, title: 'A new general objective' }),
    expected: secretariatOnly,
  },
  { name: 'planItem.archive', kind: 'mutation', input: async () => ({ id: w.planNodeA }), expected: secretariatOnly },
  { name: 'planItem.restore', kind: 'mutation', input: async () => ({ id: w.planNodeA }), expected: secretariatOnly },
]

async function call(caller: Caller, procedure: string, kind: 'query' | 'mutation', input: unknown) {
  const { cookie, bearer } = w.credentials[caller]
  const headers: Record<string, string> = {}
  if (cookie) headers.cookie = cookie
  if (bearer) headers.authorization = `Bearer ${bearer}`
  const path = procedure.split(' ')[0]
  const response =
    kind === 'query'
      ? await fetch(`${server.url}/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers })
      : await fetch(`${server.url}/api/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', origin: server.url },
          body: JSON.stringify(input),
        })
  const body = (await response.json()) as { result?: unknown; error?: { data?: { code?: string; requestId?: string } } }
  if (body.error) expect(body.error.data?.requestId).toBeTruthy()
  return { status: response.status, outcome: body.error ? (body.error.data?.code as Outcome) : ('OK' as const), body }
}

beforeAll(async () => {
  server = await startTestServer(async () => {
    const a = await createWorkspace(db, { countries: ['AR', 'BR'] })
    const b = await createWorkspace(db, { countries: ['AR'] })
    const planA = await createPlan(db, a, ['G1\tS1\tA1\tT1', '\t\t\tT2 led by IOM'])
    const planB = await createPlan(db, b, ['G1\tS1\tA1\tT1'])
    await db.updateTable('task').set({ lead_kind: 'organisation', lead_organisation_id: a.organisationId('IOM') }).where('id', '=', planA.nodeId('1.1.1.2')).execute()
    const members: Record<Exclude<Caller, 'anonymous' | 'revokedToken'>, { role: Role; ws: TestWorkspace; countryCode?: string; organisationCode?: string }> = {
      secretariat: { role: 'secretariat', ws: a },
      fpOwn: { role: 'focal_point', ws: a, countryCode: 'AR' },
      fpOther: { role: 'focal_point', ws: a, countryCode: 'BR' },
      partner: { role: 'partner', ws: a, organisationCode: 'IOM' },
      observer: { role: 'observer', ws: a },
      otherWorkspace: { role: 'secretariat', ws: b },
    }
    const credentials = { anonymous: {} } as World['credentials']
    for (const [caller, spec] of Object.entries(members)) {
      const { user } = await createMember(db, spec.ws, spec.role, { countryCode: spec.countryCode, organisationCode: spec.organisationCode })
      const session = await createSession(user.id, { ip: '127.0.0.1', userAgent: 'matrix' })
      credentials[caller as Caller] = { cookie: session.cookie.split(';')[0] }
    }
    const revoked = await createMember(db, a, 'secretariat')
    const token = await createApiToken(revoked.user.id, 'to revoke')
    await revokeApiToken(revoked.user.id, token.info.id)
    credentials.revokedToken = { bearer: token.token }
    return { a, b, taskA: planA.nodeId('1.1.1.1'), taskIom: planA.nodeId('1.1.1.2'), taskB: planB.nodeId('1.1.1.1'), planNodeA: planA.nodeId('1.1.1.2'), credentials }
  })
  w = server.seeded
  // An unrelated user with no membership at all must not be able to sign in.
  await createUser(db, { email: 'nobody@example.org' })
}, 120_000)

afterAll(async () => {
  await server?.close()
})

describe('authorisation matrix: tRPC procedures', () => {
  for (const procedure of procedures) {
    for (const caller of CALLERS) {
      it(`${procedure.name} as ${caller} → ${procedure.expected[caller]}`, async () => {
        const result = await call(caller, procedure.name, procedure.kind, await procedure.input())
        expect(result.outcome, JSON.stringify(result.body)).toBe(procedure.expected[caller])
      })
    }
  }

  it('an id from another workspace is NOT_FOUND even for its secretariat-equivalent, never data', async () => {
    const foreign = await fixtureAssignment(w.b, w.taskB, { countryCode: 'AR' })
    for (const caller of ['secretariat', 'fpOwn', 'observer'] as const) {
      const get = await call(caller, 'assignment.get', 'query', { assignmentId: foreign })
      expect(get.outcome).toBe('NOT_FOUND')
      const update = await call(caller, 'assignment.update', 'mutation', { assignmentId: foreign, version: 1, status: 'in_progress' })
      expect(update.outcome).toBe('NOT_FOUND')
    }
    const row = await db.selectFrom('assignment').select(['status', 'version']).where('id', '=', foreign).executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'not_started', version: 1 })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssignmentStatus, Role } from '#db/types.ts'
import { createHash, randomBytes } from 'node:crypto'
import { createApiToken, revokeApiToken } from '#server/auth/api-token.ts'
import { createSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { createInvitation } from '#server/services/invitations/create-invitation.ts'
import { startTestServer, type TestServer } from '#tests/e2e/support/server.ts'
import { latestMailTo, linkIn } from '#tests/factories/accounts.ts'
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
  /** An action line of A's plan (its page lists its tasks). */
  lineA: string
  credentials: Record<Caller, { cookie?: string; bearer?: string }>
  /** The user behind each signed-in caller (for the rows that change one's own account). */
  userIds: Partial<Record<Caller, string>>
  evidenceA: string
  /** Objects of workspace B, to be asked for through workspace A's addresses. */
  foreign: { assignment: string; evidence: string; task: string; node: string; line: string; membership: string; apiToken: string }
  invitationToken: string
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

const nodeVersion = async (id: string) => (await db.selectFrom('plan_node').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version

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
  // Public: a load balancer asks it with no credentials; a revoked token counts as none.
  { name: 'health.check', kind: 'query', input: async () => undefined, expected: { ...anyoneSignedIn, anonymous: 'OK', revokedToken: 'OK' } },
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
  {
    name: 'planItem.update',
    kind: 'mutation',
    input: async () => ({ id: w.planNodeA, version: await nodeVersion(w.planNodeA), priority: 'low' }),
    expected: secretariatOnly,
  },
  { name: 'planItem.move', kind: 'mutation', input: async () => ({ id: w.planNodeA, direction: 'down' }), expected: secretariatOnly },
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
  if (body.error) expect(body.error.data?.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
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
    const userIds: World['userIds'] = {}
    const actors: Partial<Record<Caller, Awaited<ReturnType<typeof createMember>>['actor']>> = {}
    for (const [caller, spec] of Object.entries(members)) {
      const { user, actor } = await createMember(db, spec.ws, spec.role, { countryCode: spec.countryCode, organisationCode: spec.organisationCode })
      const session = await createSession(user.id, { ip: '127.0.0.1', userAgent: 'matrix' })
      credentials[caller as Caller] = { cookie: session.cookie.split(';')[0] }
      userIds[caller as Caller] = user.id
      actors[caller as Caller] = actor
    }
    const revoked = await createMember(db, a, 'secretariat')
    const token = await createApiToken(revoked.user.id, 'to revoke')
    await revokeApiToken(revoked.user.id, token.info.id)
    credentials.revokedToken = { bearer: token.token }

    const evidenceOn = async (assignmentId: string) => {
      const evidence = await db
        .insertInto('evidence')
        .values({ assignment_id: assignmentId, kind: 'file', file_name: 'informe.pdf', content_type: 'application/pdf', size_bytes: 9 })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db.insertInto('evidence_file').values({ evidence_id: evidence.id, data: Buffer.from('%PDF-1.4\n') }).execute()
      return evidence.id
    }
    const withFileA = await createAssignment(db, a, planA.nodeId('1.1.1.1'), { countryCode: 'BR' }, { dueDate: '2030-01-01', period: '2099-01' })
    const assignmentB = await createAssignment(db, b, planB.nodeId('1.1.1.1'), { countryCode: 'AR' }, { dueDate: '2030-01-01', period: '2099-01' })
    const memberB = await createMember(db, b, 'observer')
    const membershipB = await db.selectFrom('membership').select('id').where('user_id', '=', memberB.user.id).executeTakeFirstOrThrow()
    const tokenB = await createApiToken(memberB.user.id, 'B token')
    const secretariatA = actors.secretariat
    if (!secretariatA) throw new Error('no secretariat')
    await createInvitation(secretariatA, { workspaceId: a.id, email: 'matrix.invitee@example.org', role: 'observer', countryId: '', organisationId: '', locale: 'en' })
    const mail = await latestMailTo(db, 'matrix.invitee@example.org')
    return {
      a,
      b,
      taskA: planA.nodeId('1.1.1.1'),
      taskIom: planA.nodeId('1.1.1.2'),
      taskB: planB.nodeId('1.1.1.1'),
      planNodeA: planA.nodeId('1.1.1.2'),
      lineA: planA.nodeId('1.1.1'),
      credentials,
      userIds,
      evidenceA: await evidenceOn(withFileA.id),
      foreign: {
        assignment: assignmentB.id,
        evidence: await evidenceOn(assignmentB.id),
        task: planB.nodeId('1.1.1.1'),
        node: planB.nodeId('1.1.1.1'),
        line: planB.nodeId('1.1.1'),
        membership: membershipB.id,
        apiToken: tokenB.info.id,
      },
      invitationToken: linkIn(mail?.text ?? '', 'invite').token,
    }
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

/**
 * Pages: every Remix loader (GET) and action (POST) in app/routes, for the
 * same callers. 'OK' is 200 (or 202), or a redirect that is not to /login
 * (a form saved, the secretariat's home sent to the board); 'LOGIN' is 303 to
 * /login (a revoked token is no credential: the page treats it as anonymous).
 * A refused action leaves the database as it was; an allowed one changes it.
 */
type PageOutcome = 'OK' | 'LOGIN' | 403 | 404
const pageMembers: Record<Caller, PageOutcome> = {
  secretariat: 'OK', fpOwn: 'OK', fpOther: 'OK', partner: 'OK', observer: 'OK', otherWorkspace: 404, anonymous: 'LOGIN', revokedToken: 'LOGIN',
}
const pageSignedIn: Record<Caller, PageOutcome> = { ...pageMembers, otherWorkspace: 'OK' }
const pageSecretariat: Record<Caller, PageOutcome> = { ...pageMembers, fpOwn: 403, fpOther: 403, partner: 403, observer: 403 }
const pageOwnCountry: Record<Caller, PageOutcome> = { ...pageSecretariat, fpOwn: 'OK' }
const pageOwnOrganisation: Record<Caller, PageOutcome> = { ...pageSecretariat, partner: 'OK' }
const pageCommenters: Record<Caller, PageOutcome> = { ...pageSecretariat, fpOwn: 'OK', fpOther: 'OK', partner: 'OK' }
const pageAdmin: Record<Caller, PageOutcome> = { ...pageSignedIn, secretariat: 403, fpOwn: 403, fpOther: 403, partner: 403, observer: 403, otherWorkspace: 403 }
const everyone = (outcome: PageOutcome): Record<Caller, PageOutcome> => Object.fromEntries(CALLERS.map((c) => [c, outcome])) as Record<Caller, PageOutcome>

interface PageCase {
  name: string
  expected: Record<Caller, PageOutcome>
  /** The path, the form for an action, and what the action may change (read before and after). */
  make: (caller: Caller) => Promise<{ path: string; form?: Record<string, string> | FormData; state?: () => Promise<unknown> }>
}

async function page(caller: Caller, path: string, form?: Record<string, string> | FormData) {
  const { cookie, bearer } = w.credentials[caller]
  const headers: Record<string, string> = {}
  if (cookie) headers.cookie = cookie
  if (bearer) headers.authorization = `Bearer ${bearer}`
  let body: string | FormData | undefined
  if (form instanceof FormData) body = form
  else if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(form).toString()
  }
  if (form) headers.origin = server.url
  const response = await fetch(`${server.url}${path}`, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' })
  const location = response.headers.get('location') ?? ''
  const outcome: PageOutcome | number =
    response.status === 200 || response.status === 202
      ? 'OK'
      : (response.status === 302 || response.status === 303) && location.startsWith('/login')
        ? 'LOGIN'
        : response.status === 302 || response.status === 303
          ? 'OK'
          : response.status
  return { outcome, status: response.status, location, text: () => response.text() }
}

const assignmentRow = (id: string) => () =>
  db.selectFrom('assignment').select(['status', 'version', 'progress_note']).where('id', '=', id).executeTakeFirstOrThrow()
const assignmentAndChildren = (id: string) => async () => ({
  assignment: await assignmentRow(id)(),
  comments: (await db.selectFrom('comment').select('id').where('assignment_id', '=', id).execute()).length,
  evidence: (await db.selectFrom('evidence').select('id').where('assignment_id', '=', id).execute()).length,
})
const assignmentsOfTask = (taskId: string) => () =>
  db.selectFrom('assignment').select(['id', 'due_date']).where('task_id', '=', taskId).orderBy('id').execute()
const planNode = (id: string) => () => db.selectFrom('plan_node').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const planNodeCount = () => db.selectFrom('plan_node').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
const membershipRow = (id: string) => () => db.selectFrom('membership').select(['role', 'country_id', 'deactivated_at']).where('id', '=', id).executeTakeFirstOrThrow()
const userRow = (id: string | undefined) => () =>
  db.selectFrom('app_user').select(['name', 'locale', 'time_zone']).where('id', '=', id ?? '00000000-0000-0000-0000-000000000000').executeTakeFirst()
const notificationsOf = (id: string | undefined) => async () => ({
  rows: await db.selectFrom('notification_preference').select(['category', 'mode']).where('user_id', '=', id ?? '00000000-0000-0000-0000-000000000000').orderBy('category').execute(),
  digest: (await db.selectFrom('app_user').select('digest_frequency').where('id', '=', id ?? '00000000-0000-0000-0000-000000000000').executeTakeFirst())?.digest_frequency,
})
const tokensOf = (id: string | undefined) => () =>
  db.selectFrom('api_token').select(['id', 'revoked_at']).where('user_id', '=', id ?? '00000000-0000-0000-0000-000000000000').orderBy('id').execute()

async function freshMembership(role: Role, countryCode?: string) {
  const { user } = await createMember(db, w.a, role, { countryCode })
  return (await db.selectFrom('membership').select('id').where('user_id', '=', user.id).executeTakeFirstOrThrow()).id
}
async function freshInvitation() {
  const row = await db
    .insertInto('invitation')
    .values({
      workspace_id: w.a.id,
      email: `invitee-${randomBytes(4).toString('hex')}@example.org`,
      role: 'observer',
      token_hash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      expires_at: new Date(Date.now() + 86_400_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
const countryRow = (id: string) => () => db.selectFrom('country').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const organisationRow = (id: string) => () => db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
/** A member state nothing refers to (so that removing it is allowed), with a code not used in the workspace. */
const SPARE_CODES = ['PE', 'UY', 'PY', 'EC', 'CO', 'BO', 'VE', 'GY', 'SR', 'MX', 'CR', 'PA']
async function freshCountry(workspace: TestWorkspace) {
  const taken = new Set((await db.selectFrom('country').select('code').where('workspace_id', '=', workspace.id).execute()).map((c) => c.code.trim()))
  const code = SPARE_CODES.find((c) => !taken.has(c))
  if (!code) throw new Error('no spare country code left')
  const row = await db
    .insertInto('country')
    .values({ workspace_id: workspace.id, code, name_es: code, name_pt: code, name_en: code, locale: 'es', time_zone: 'America/Lima' })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
const invitationRow = (id: string) => () => db.selectFrom('invitation').select(['revoked_at']).where('id', '=', id).executeTakeFirstOrThrow()

const A = () => `/w/${w.a.slug}`
const assignmentPage = (id: string) => `${A()}/assignments/${id}`
const UNKNOWN_TOKEN = 'f'.repeat(64)

const pages: PageCase[] = [
  // Loaders.
  { name: 'GET / (to the first workspace)', expected: pageSignedIn, make: async () => ({ path: '/' }) },
  { name: 'GET /login', expected: everyone('OK'), make: async () => ({ path: '/login' }) },
  { name: 'GET /logout', expected: { ...pageSignedIn }, make: async () => ({ path: '/logout' }) },
  { name: 'GET /forgot-password', expected: everyone('OK'), make: async () => ({ path: '/forgot-password' }) },
  { name: 'GET /invite/<token> (a token page: anyone)', expected: everyone('OK'), make: async () => ({ path: `/invite/${w.invitationToken}` }) },
  { name: 'GET /invite/<unknown token>', expected: everyone(404), make: async () => ({ path: `/invite/${UNKNOWN_TOKEN}` }) },
  { name: 'GET /reset-password/<unknown token>', expected: everyone(404), make: async () => ({ path: `/reset-password/${UNKNOWN_TOKEN}` }) },
  { name: 'GET /a/<unknown status-link token>', expected: everyone(404), make: async () => ({ path: `/a/${UNKNOWN_TOKEN}` }) },
  { name: 'GET /unsubscribe/<unknown token>', expected: everyone(404), make: async () => ({ path: `/unsubscribe/${UNKNOWN_TOKEN}` }) },
  { name: 'GET /settings', expected: pageSignedIn, make: async () => ({ path: '/settings' }) },
  { name: 'GET /admin', expected: pageAdmin, make: async () => ({ path: '/admin' }) },
  // DEMO (on by default for a 127.0.0.1 APP_URL) with the local outbox: the development mail viewer is open, as designed.
  { name: 'GET /dev/emails (demo, local outbox)', expected: everyone('OK'), make: async () => ({ path: '/dev/emails' }) },
  {
    name: 'GET /dev/emails/<id> (demo, local outbox)',
    expected: everyone('OK'),
    make: async () => ({ path: `/dev/emails/${(await db.selectFrom('local_mail').select('id').limit(1).executeTakeFirstOrThrow()).id}` }),
  },
  { name: 'GET workspace home', expected: pageMembers, make: async () => ({ path: A() }) },
  { name: 'GET workspace home, one group (show more)', expected: pageMembers, make: async () => ({ path: `${A()}?group=overdue` }) },
  { name: 'GET plan', expected: pageMembers, make: async () => ({ path: `${A()}/plan` }) },
  { name: 'GET plan item page (an action line and its tasks)', expected: pageMembers, make: async () => ({ path: `${A()}/plan/${w.lineA}` }) },
  { name: 'GET plan editor', expected: pageSecretariat, make: async () => ({ path: `${A()}/plan/edit` }) },
  { name: 'GET board', expected: pageMembers, make: async () => ({ path: `${A()}/board` }) },
  { name: 'GET task page', expected: pageMembers, make: async () => ({ path: `${A()}/tasks/${w.taskA}` }) },
  { name: 'GET assignment page', expected: pageMembers, make: async () => ({ path: assignmentPage(await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' })) }) },
  { name: 'GET evidence download', expected: pageMembers, make: async () => ({ path: `${A()}/evidence/${w.evidenceA}` }) },
  { name: 'GET members', expected: pageSecretariat, make: async () => ({ path: `${A()}/members` }) },
  { name: 'GET activity', expected: pageSecretariat, make: async () => ({ path: `${A()}/activity` }) },
  { name: 'GET activity.csv', expected: pageSecretariat, make: async () => ({ path: `${A()}/activity.csv` }) },
  { name: 'GET search', expected: pageMembers, make: async () => ({ path: `${A()}/search?q=t1` }) },
  { name: 'GET e-mail log', expected: pageSecretariat, make: async () => ({ path: `${A()}/emails` }) },
  { name: 'GET workspace set-up (member states, partners)', expected: pageSecretariat, make: async () => ({ path: `${A()}/setup` }) },

  // Actions of the assignment page.
  ...(['update (own country)', 'evidence link', 'evidence file'] as const).map(
    (form): PageCase => ({
      name: `POST assignment: ${form}`,
      expected: pageOwnCountry,
      make: async () => {
        const id = await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' })
        let body: Record<string, string> | FormData = { intent: 'update', version: '1', status: 'in_progress', progressNote: '' }
        if (form === 'evidence link') body = { intent: 'evidence', version: '1', url: 'https://example.org/report' }
        if (form === 'evidence file') {
          body = new FormData()
          body.set('intent', 'evidence')
          body.set('version', '1')
          body.set('file', new Blob([new Uint8Array(Buffer.from('%PDF-1.4\nreport'))]), 'report.pdf')
        }
        return { path: assignmentPage(id), form: body, state: assignmentAndChildren(id) }
      },
    }),
  ),
  {
    name: "POST assignment: update (an organisation's)",
    expected: pageOwnOrganisation,
    make: async () => {
      const id = await fixtureAssignment(w.a, w.taskIom, { organisationCode: 'IOM' })
      return { path: assignmentPage(id), form: { intent: 'update', version: '1', status: 'in_progress', progressNote: '' }, state: assignmentRow(id) }
    },
  },
  {
    name: "POST assignment: update (another organisation's)",
    expected: pageSecretariat,
    make: async () => {
      const id = await fixtureAssignment(w.a, w.taskIom, { organisationCode: 'ILO' })
      return { path: assignmentPage(id), form: { intent: 'update', version: '1', status: 'in_progress', progressNote: '' }, state: assignmentRow(id) }
    },
  },
  {
    name: 'POST assignment: verify',
    expected: pageSecretariat,
    make: async () => {
      const id = await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' }, 'submitted')
      return { path: assignmentPage(id), form: { intent: 'verify', version: '1' }, state: assignmentRow(id) }
    },
  },
  {
    name: 'POST assignment: return',
    expected: pageSecretariat,
    make: async () => {
      const id = await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' }, 'submitted')
      return { path: assignmentPage(id), form: { intent: 'return', version: '1', comment: 'Add the decree number.' }, state: assignmentAndChildren(id) }
    },
  },
  {
    name: 'POST assignment: comment',
    expected: pageCommenters,
    make: async () => {
      const id = await fixtureAssignment(w.a, w.taskA, { countryCode: 'AR' })
      return { path: assignmentPage(id), form: { intent: 'comment', body: 'A comment.' }, state: assignmentAndChildren(id) }
    },
  },

  // Task page and plan editor.
  {
    name: 'POST task page: assign',
    expected: pageSecretariat,
    make: async () => ({
      path: `${A()}/tasks/${w.taskA}`,
      form: { intent: 'assign', countryCodes: 'BR', dueDate: `2031-01-${String(10 + (periodCounter++ % 18))}` },
      state: assignmentsOfTask(w.taskA),
    }),
  },
  {
    name: 'POST task page: update',
    expected: pageSecretariat,
    make: async () => ({
      path: `${A()}/tasks/${w.taskA}`,
      form: { intent: 'update', version: String(await nodeVersion(w.taskA)), title: `T1 ${randomBytes(3).toString('hex')}`, priority: 'high' },
      state: planNode(w.taskA),
    }),
  },
  {
    name: 'POST plan editor: create',
    expected: pageSecretariat,
    make: async () => ({ path: `${A()}/plan/edit`, form: { intent: 'create', parentId: '', title: 'Another objective' }, state: planNodeCount }),
  },
  {
    name: 'POST plan editor: rename',
    expected: pageSecretariat,
    make: async () => ({
      path: `${A()}/plan/edit`,
      form: { intent: 'rename', id: w.planNodeA, version: String(await nodeVersion(w.planNodeA)), title: `T2 ${randomBytes(3).toString('hex')}` },
      state: planNode(w.planNodeA),
    }),
  },
  {
    name: 'POST plan editor: move',
    expected: pageSecretariat,
    make: async () => ({ path: `${A()}/plan/edit`, form: { intent: 'move', id: w.planNodeA, direction: 'up' }, state: planNode(w.planNodeA) }),
  },
  { name: 'POST plan editor: archive', expected: pageSecretariat, make: async () => ({ path: `${A()}/plan/edit`, form: { intent: 'archive', id: w.planNodeA }, state: planNode(w.planNodeA) }) },
  { name: 'POST plan editor: restore', expected: pageSecretariat, make: async () => ({ path: `${A()}/plan/edit`, form: { intent: 'restore', id: w.planNodeA }, state: planNode(w.planNodeA) }) },

  // Members page.
  {
    name: 'POST members: invite',
    expected: pageSecretariat,
    make: async () => {
      const email = `invited-${randomBytes(4).toString('hex')}@example.org`
      return {
        path: `${A()}/members`,
        form: { intent: 'invite', email, role: 'observer', countryId: '', organisationId: '', locale: 'en' },
        state: () => db.selectFrom('invitation').select('id').where('email', '=', email).execute(),
      }
    },
  },
  {
    name: 'POST members: change role',
    expected: pageSecretariat,
    make: async () => {
      const id = await freshMembership('focal_point', 'AR')
      return { path: `${A()}/members`, form: { intent: 'update', membershipId: id, role: 'observer', countryId: '', organisationId: '' }, state: membershipRow(id) }
    },
  },
  {
    name: 'POST members: deactivate',
    expected: pageSecretariat,
    make: async () => {
      const id = await freshMembership('observer')
      return { path: `${A()}/members`, form: { intent: 'deactivate', membershipId: id }, state: membershipRow(id) }
    },
  },
  {
    name: 'POST members: reactivate',
    expected: pageSecretariat,
    make: async () => {
      const id = await freshMembership('observer')
      await db.updateTable('membership').set({ deactivated_at: new Date() }).where('id', '=', id).execute()
      return { path: `${A()}/members`, form: { intent: 'reactivate', membershipId: id }, state: membershipRow(id) }
    },
  },
  {
    name: 'POST members: revoke an invitation',
    expected: pageSecretariat,
    make: async () => {
      const id = await freshInvitation()
      return { path: `${A()}/members`, form: { intent: 'revoke', invitationId: id }, state: invitationRow(id) }
    },
  },

  // Workspace set-up: member states and partner organisations.
  {
    name: 'POST set-up: add a member state',
    expected: pageSecretariat,
    make: async () => ({
      path: `${A()}/setup`,
      form: { intent: 'addCountry', code: 'CL', nameEs: 'Chile', namePt: 'Chile', nameEn: 'Chile', locale: 'es', timeZone: 'America/Santiago' },
      state: () => db.selectFrom('country').select('id').where('workspace_id', '=', w.a.id).where('code', '=', 'CL').execute(),
    }),
  },
  {
    name: 'POST set-up: edit a member state',
    expected: pageSecretariat,
    make: async () => {
      const id = w.a.countryId('BR')
      return {
        path: `${A()}/setup`,
        form: { intent: 'updateCountry', countryId: id, code: 'BR', nameEs: 'Brasil', namePt: 'Brasil', nameEn: `Brazil ${randomBytes(2).toString('hex')}`, locale: 'pt', timeZone: 'America/Sao_Paulo' },
        state: countryRow(id),
      }
    },
  },
  {
    name: 'POST set-up: remove a member state',
    expected: pageSecretariat,
    make: async () => {
      const id = await freshCountry(w.a)
      return { path: `${A()}/setup`, form: { intent: 'removeCountry', countryId: id }, state: () => db.selectFrom('country').select('id').where('id', '=', id).execute() }
    },
  },
  {
    name: 'POST set-up: add a partner organisation',
    expected: pageSecretariat,
    make: async () => {
      const code = `ORG${randomBytes(2).toString('hex').toUpperCase()}`
      return {
        path: `${A()}/setup`,
        form: { intent: 'addOrganisation', code, name: `Organisation ${code}` },
        state: () => db.selectFrom('organisation').select('id').where('workspace_id', '=', w.a.id).where('code', '=', code).execute(),
      }
    },
  },
  {
    name: 'POST set-up: edit a partner organisation',
    expected: pageSecretariat,
    make: async () => {
      const id = w.a.organisationId('ECLAC')
      return { path: `${A()}/setup`, form: { intent: 'updateOrganisation', organisationId: id, code: 'ECLAC', name: `ECLAC ${randomBytes(2).toString('hex')}` }, state: organisationRow(id) }
    },
  },

  // Settings (one's own account: any signed-in person, by browser session).
  {
    name: 'POST settings: profile',
    expected: pageSignedIn,
    make: async (caller) => ({
      path: '/settings',
      form: { intent: 'profile', name: `Name ${randomBytes(3).toString('hex')}`, locale: 'en', timeZone: 'America/Lima', digestFrequency: 'weekly' },
      state: userRow(w.userIds[caller]),
    }),
  },
  {
    name: 'POST settings: notifications',
    expected: pageSignedIn,
    make: async (caller) => ({
      path: '/settings',
      form: { intent: 'notifications', reminders: 'off', submissions: 'digest', digestFrequency: 'weekly' },
      state: notificationsOf(w.userIds[caller]),
    }),
  },
  {
    name: 'POST settings: create an API token',
    expected: pageSignedIn,
    make: async (caller) => ({ path: '/settings', form: { intent: 'createToken', tokenName: 'matrix' }, state: tokensOf(w.userIds[caller]) }),
  },
  {
    name: 'POST settings: revoke an API token',
    expected: pageSignedIn,
    make: async (caller) => {
      const userId = w.userIds[caller]
      const tokenId = userId ? (await createApiToken(userId, 'to revoke from the page')).info.id : randomBytes(16).toString('hex')
      return { path: '/settings', form: { intent: 'revokeToken', tokenId }, state: tokensOf(userId) }
    },
  },

  // Admin (instance admins only; none of these callers is one).
  {
    name: 'POST admin: create a workspace',
    expected: pageAdmin,
    make: async () => {
      const slug = `adm-${randomBytes(3).toString('hex')}`
      return {
        path: '/admin?index',
        form: { slug, name: 'Admin matrix', defaultLocale: 'es', timeZone: 'America/Lima', secretariatEmail: `${slug}@example.org` },
        state: () => db.selectFrom('workspace').select('id').where('slug', '=', slug).execute(),
      }
    },
  },
  {
    name: 'POST admin: invite a secretariat member',
    expected: pageAdmin,
    make: async () => {
      const email = `adm-${randomBytes(3).toString('hex')}@example.org`
      return { path: '/admin?index', form: { intent: 'invite', workspaceId: w.a.id, email }, state: () => db.selectFrom('invitation').select('id').where('email', '=', email).execute() }
    },
  },

  // Token pages' forms: an unknown token is 404 whoever asks, and changes nothing.
  { name: 'POST /invite/<unknown token>', expected: everyone(404), make: async () => ({ path: `/invite/${UNKNOWN_TOKEN}`, form: { name: 'X', password: 'lantern-orbit-quay-47', passwordConfirm: 'lantern-orbit-quay-47' } }) },
  { name: 'POST /a/<unknown status-link token>', expected: everyone(404), make: async () => ({ path: `/a/${UNKNOWN_TOKEN}`, form: { version: '1', status: 'in_progress', progressNote: '' } }) },
  { name: 'POST /unsubscribe/<unknown token>', expected: everyone(404), make: async () => ({ path: `/unsubscribe/${UNKNOWN_TOKEN}`, form: {} }) },
  {
    name: 'POST /forgot-password (anyone; the same answer whether or not the address exists)',
    expected: everyone('OK'),
    make: async () => ({ path: '/forgot-password', form: { email: `nobody-${randomBytes(3).toString('hex')}@example.org` } }),
  },
  // The Resend webhook trusts only its signature, never a session; with no secret configured (as here) it does not
  // exist for anyone (the signed case is in follow-up/links-http.test.ts).
  { name: 'POST /api/webhooks/resend (not configured)', expected: everyone(404), make: async () => ({ path: '/api/webhooks/resend', form: { type: 'email.bounced' } }) },
  { name: 'POST /reset-password/<unknown token>', expected: everyone(404), make: async () => ({ path: `/reset-password/${UNKNOWN_TOKEN}`, form: { password: 'lantern-orbit-quay-47', passwordConfirm: 'lantern-orbit-quay-47' } }) },
]

describe('authorisation matrix: pages (loaders and actions)', () => {
  for (const c of pages) {
    for (const caller of CALLERS) {
      it(`${c.name} as ${caller} → ${c.expected[caller]}`, async () => {
        const { path, form, state } = await c.make(caller)
        const before = state ? await state() : undefined
        const result = await page(caller, path, form)
        expect(result.outcome, `${result.status} ${result.location}`).toBe(c.expected[caller])
        // Signing in brings the reader back to the workspace page they asked for.
        if (result.outcome === 'LOGIN' && !form && path.startsWith('/w/')) expect(result.location).toBe(`/login?redirectTo=${encodeURIComponent(path)}`)
        if (state) {
          const after = await state()
          if (c.expected[caller] === 'OK') expect(after).not.toEqual(before)
          else expect(after).toEqual(before)
        }
      })
    }
  }

  it('POST /logout ends only the caller\'s own session, needs the Origin, and sends everyone to /login', async () => {
    const signedIn = ['secretariat', 'fpOwn', 'fpOther', 'partner', 'observer', 'otherWorkspace'] as const
    for (const caller of signedIn) {
      const userId = w.userIds[caller] ?? ''
      const fresh = await createSession(userId, { ip: '127.0.0.1', userAgent: 'matrix logout' })
      const cookie = fresh.cookie.split(';')[0]
      const live = () => db.selectFrom('user_session').select('id').where('id', '=', fresh.session.id).executeTakeFirst()
      const foreign = await fetch(`${server.url}/logout`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' }, redirect: 'manual' })
      expect(foreign.status, caller).toBe(403)
      expect(await live()).toBeDefined()
      const out = await fetch(`${server.url}/logout`, { method: 'POST', headers: { cookie, origin: server.url }, redirect: 'manual' })
      expect([out.status, out.headers.get('location')], caller).toEqual([303, '/login'])
      expect(await live()).toBeUndefined()
      // The caller's matrix session (another session of the same user) lives on.
      expect((await page(caller, '/settings')).outcome).toBe('OK')
    }
    for (const caller of ['anonymous', 'revokedToken'] as const) {
      const out = await page(caller, '/logout', {})
      expect([out.status, out.location], caller).toEqual([303, '/login'])
    }
  })

  it('a refused page says why in the reader\'s language, and shows nothing of what was asked', async () => {
    const forbidden = await page('fpOwn', `${A()}/members?lng=en`)
    expect(forbidden.status).toBe(403)
    const html = await forbidden.text()
    expect(html).toContain('You do not have permission to see this page.')
    expect(html).not.toContain('matrix.invitee@example.org')
  })

  it('the home sends the secretariat and observers to the board, and shows focal points and partners their own', async () => {
    for (const caller of ['secretariat', 'observer'] as const) expect((await page(caller, A())).location).toBe(`${A()}/board`)
    for (const caller of ['fpOwn', 'partner'] as const) expect((await page(caller, A())).status).toBe(200)
  })

  it("another workspace's ids through this workspace's addresses are 404, even for this workspace's secretariat, and change nothing", async () => {
    const f = w.foreign
    const refusals: Array<{ path: string; form?: Record<string, string>; status?: number }> = [
      { path: assignmentPage(f.assignment) },
      { path: assignmentPage(f.assignment), form: { intent: 'update', version: '1', status: 'in_progress', progressNote: '' } },
      { path: assignmentPage(f.assignment), form: { intent: 'comment', body: 'Hello?' } },
      { path: assignmentPage(f.assignment), form: { intent: 'evidence', version: '1', url: 'https://example.org/x' } },
      { path: `${A()}/evidence/${f.evidence}` },
      { path: `${A()}/tasks/${f.task}` },
      { path: `${A()}/tasks/${f.task}`, form: { intent: 'assign', countryCodes: 'AR', dueDate: '2031-01-31' } },
      { path: `${A()}/tasks/not-a-uuid` },
      { path: `${A()}/plan/${f.line}` },
      { path: `${A()}/plan/not-a-uuid` },
      { path: `${A()}/plan/edit`, form: { intent: 'rename', id: f.node, version: '1', title: 'Renamed from A' } },
      { path: `${A()}/plan/edit`, form: { intent: 'archive', id: f.node } },
      { path: `${A()}/members`, form: { intent: 'deactivate', membershipId: f.membership } },
      { path: `${A()}/members`, form: { intent: 'update', membershipId: f.membership, role: 'secretariat', countryId: '', organisationId: '' } },
      { path: '/settings', form: { intent: 'revokeToken', tokenId: f.apiToken } },
      { path: `${A()}/setup`, form: { intent: 'removeCountry', countryId: w.b.countryId('AR') } },
      {
        path: `${A()}/setup`,
        form: { intent: 'updateCountry', countryId: w.b.countryId('AR'), code: 'AR', nameEs: 'X', namePt: 'X', nameEn: 'X', locale: 'es', timeZone: 'America/Lima' },
      },
      { path: `${A()}/setup`, form: { intent: 'updateOrganisation', organisationId: w.b.organisationId('IOM'), code: 'IOM', name: 'Renamed from A' } },
    ]
    const snapshot = async () => ({
      assignment: await assignmentAndChildren(f.assignment)(),
      tasks: await assignmentsOfTask(f.task)(),
      node: await planNode(f.node)(),
      membership: await membershipRow(f.membership)(),
      token: await db.selectFrom('api_token').select('revoked_at').where('id', '=', f.apiToken).executeTakeFirstOrThrow(),
      country: await countryRow(w.b.countryId('AR'))(),
      organisation: await organisationRow(w.b.organisationId('IOM'))(),
    })
    // Activity in B, so that B has something to leak.
    const commented = await page('otherWorkspace', `/w/${w.b.slug}/assignments/${f.assignment}`, { intent: 'comment', body: 'Only for workspace B.' })
    expect(commented.status).toBe(303)
    const fresh = await freshMembership('observer')
    refusals.push(
      // A choice of the form from another workspace is refused like any unknown choice: 400 naming the field.
      { path: `${A()}/members`, form: { intent: 'update', membershipId: fresh, role: 'partner', countryId: '', organisationId: w.b.organisationId('ILO') }, status: 400 },
      { path: `${A()}/plan/edit`, form: { intent: 'create', parentId: f.node, title: 'Under a node of B' } },
    )
    const before = { ...(await snapshot()), fresh: await membershipRow(fresh)(), nodes: await planNodeCount() }
    for (const { path, form, status } of refusals) {
      const result = await page('secretariat', path, form)
      expect(result.status, `${form ? 'POST' : 'GET'} ${path} ${form?.intent ?? ''}`).toBe(status ?? 404)
      expect(await result.text()).not.toContain('informe.pdf')
    }
    expect({ ...(await snapshot()), fresh: await membershipRow(fresh)(), nodes: await planNodeCount() }).toEqual(before)

    // Every page of A, read by A's secretariat, names nothing of B.
    const secrets = [w.b.slug, f.assignment, f.task, f.membership, f.evidence, 'Only for workspace B.']
    for (const path of ['/', `${A()}/board`, `${A()}/plan`, `${A()}/plan/edit`, `${A()}/activity`, `${A()}/activity.csv`, `${A()}/search?q=T1`, `${A()}/members`, `${A()}/emails`, `${A()}/setup`, '/settings']) {
      const result = await page('secretariat', path)
      const text = await result.text()
      for (const secret of secrets) expect(text, `${path} names ${secret}`).not.toContain(secret)
    }
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, sessionCookieName } from '#server/auth/session.ts'
import type { Actor } from '#server/authz.ts'
import { db, onQuery } from '#server/db.ts'
import { appRouter } from '#server/routers/_app.ts'
import { createCallerFactory } from '#server/trpc.ts'
import { startTestServer, type TestServer } from '#tests/e2e/support/server.ts'
import { createBulkWorkspace, type BulkWorkspace } from '#tests/factories/bench-data.ts'
import { createMember } from '#tests/factories/index.ts'

/**
 * No N+1: the number of SQL statements a request runs must not grow with
 * the data. Each request is counted through the query log (server/db.ts
 * onQuery) on a small workspace (10 assignments) and a larger one (200),
 * and the two counts must be equal.
 */
const createCaller = createCallerFactory(appRouter)
const callerFor = (actor: Actor) => createCaller({ actor, requestId: 'query-counts', locale: 'en', invalidToken: false })

async function countStatements(fn: () => Promise<unknown>): Promise<{ count: number; statements: string[] }> {
  const statements: string[] = []
  const off = onQuery((q) => statements.push(q.sql))
  try {
    await fn()
  } finally {
    off()
  }
  return { count: statements.length, statements }
}

interface Fixture {
  ws: BulkWorkspace
  secretariat: Actor
  focal: Actor
  focalUserId: string
  secretariatUserId: string
  /** An AR assignment with a long history, many comments and many evidence links (in `large`), or one with none. */
  assignmentId: string
}

async function fixture(tasks: number, busy: boolean): Promise<Fixture> {
  const ws = await createBulkWorkspace(db, { countries: 2, tasks })
  const secretariat = await createMember(db, ws, 'secretariat')
  const focal = await createMember(db, ws, 'focal_point', { countryCode: 'AR' })
  const assignment = await db
    .selectFrom('assignment as a')
    .innerJoin('country as c', 'c.id', 'a.country_id')
    .select('a.id')
    .where('a.workspace_id', '=', ws.id)
    .where('c.code', '=', 'AR')
    .orderBy('a.id')
    .executeTakeFirstOrThrow()
  if (busy) {
    const n = 25
    await db
      .insertInto('comment')
      .values(Array.from({ length: n }, (_, i) => ({ assignment_id: assignment.id, author_id: i % 2 ? secretariat.user.id : focal.user.id, body: `Comentario ${i + 1}` })))
      .execute()
    await db
      .insertInto('evidence')
      .values(Array.from({ length: n }, (_, i) => ({ assignment_id: assignment.id, kind: 'link' as const, url: `https://example.org/doc/${i}`, created_by: focal.user.id })))
      .execute()
    await db
      .insertInto('assignment_history')
      .values(Array.from({ length: n }, (_, i) => ({ assignment_id: assignment.id, actor_id: focal.user.id, action: 'note', note: `Nota ${i}`, version: i + 1 })))
      .execute()
  }
  return { ws, secretariat: secretariat.actor, focal: focal.actor, focalUserId: focal.user.id, secretariatUserId: secretariat.user.id, assignmentId: assignment.id }
}

let small: Fixture
let large: Fixture

beforeAll(async () => {
  small = await fixture(5, false)
  large = await fixture(100, true)
  expect(small.ws.assignmentCount).toBe(10)
  expect(large.ws.assignmentCount).toBe(200)
})

describe('statements per tRPC call do not grow with the data', () => {
  it('assignment.list (secretariat, a page of 50 and the next page)', async () => {
    const run = (f: Fixture) => countStatements(() => callerFor(f.secretariat).assignment.list({ workspaceId: f.ws.id, limit: 50 }))
    const a = await run(small)
    const b = await run(large)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
    const page1 = await callerFor(large.secretariat).assignment.list({ workspaceId: large.ws.id, limit: 50 })
    expect(page1.items).toHaveLength(50)
    const next = await countStatements(() => callerFor(large.secretariat).assignment.list({ workspaceId: large.ws.id, limit: 50, cursor: page1.nextCursor ?? undefined }))
    expect(next.count).toBe(a.count)
  })

  it('assignment.list (focal point, own country, open statuses)', async () => {
    const run = (f: Fixture) =>
      countStatements(() => callerFor(f.focal).assignment.list({ workspaceId: f.ws.id, countryCode: 'AR', status: ['not_started', 'in_progress', 'blocked'], limit: 50 }))
    const a = await run(small)
    const b = await run(large)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
  })

  it('assignment.get (no comments, evidence or history vs 25 of each)', async () => {
    const a = await countStatements(() => callerFor(small.focal).assignment.get({ assignmentId: small.assignmentId }))
    const got = await callerFor(large.focal).assignment.get({ assignmentId: large.assignmentId })
    expect(got.comments.length).toBeGreaterThanOrEqual(25)
    const b = await countStatements(() => callerFor(large.focal).assignment.get({ assignmentId: large.assignmentId }))
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
  })

  it('plan.tree (5 tasks vs 100 tasks)', async () => {
    const a = await countStatements(() => callerFor(small.secretariat).plan.tree({ workspaceId: small.ws.id }))
    const b = await countStatements(() => callerFor(large.secretariat).plan.tree({ workspaceId: large.ws.id }))
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
  })
})

describe('statements per page do not grow with the data (session look-up included)', () => {
  let server: TestServer<undefined>
  const cookies = new Map<string, string>()

  beforeAll(async () => {
    server = await startTestServer()
    for (const userId of [small.focalUserId, small.secretariatUserId, large.focalUserId, large.secretariatUserId]) {
      const { token } = await createSession(userId)
      cookies.set(userId, `${sessionCookieName()}=${token}`)
    }
  })
  afterAll(async () => {
    await server?.close()
  })

  async function page(path: string, userId: string) {
    // A first request settles one-off writes (the session's idle expiry slides at most once a minute).
    await fetch(server.url + path, { headers: { cookie: cookies.get(userId) as string }, redirect: 'manual' })
    let status = 0
    const counted = await countStatements(async () => {
      const res = await fetch(server.url + path, { headers: { cookie: cookies.get(userId) as string }, redirect: 'manual' })
      status = res.status
      await res.text()
    })
    return { ...counted, status }
  }

  it('the plan page /w/<slug>/plan', async () => {
    const a = await page(`/w/${small.ws.slug}/plan`, small.focalUserId)
    const b = await page(`/w/${large.ws.slug}/plan`, large.focalUserId)
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
  })

  it('the page of an action line /w/<slug>/plan/<id> (its tasks: 1 vs many)', async () => {
    const line = async (f: Fixture) => {
      const row = await db
        .selectFrom('plan_node as n')
        .innerJoin('plan', 'plan.id', 'n.plan_id')
        .select('n.id')
        .where('plan.workspace_id', '=', f.ws.id)
        .where('n.kind', '=', 'action_line')
        .orderBy('n.code')
        .executeTakeFirstOrThrow()
      return row.id
    }
    const a = await page(`/w/${small.ws.slug}/plan/${await line(small)}`, small.focalUserId)
    const b = await page(`/w/${large.ws.slug}/plan/${await line(large)}`, large.focalUserId)
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
  })

  it('the board /w/<slug>/board (secretariat)', async () => {
    const a = await page(`/w/${small.ws.slug}/board`, small.secretariatUserId)
    const b = await page(`/w/${large.ws.slug}/board`, large.secretariatUserId)
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
  })

  it('the assignment page /w/<slug>/assignments/<id> (no comments vs 25 comments, evidence links, history entries)', async () => {
    const a = await page(`/w/${small.ws.slug}/assignments/${small.assignmentId}`, small.focalUserId)
    const b = await page(`/w/${large.ws.slug}/assignments/${large.assignmentId}`, large.focalUserId)
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
  })

  it('the workspace home /w/<slug> (a focal point: my country)', async () => {
    const a = await page(`/w/${small.ws.slug}`, small.focalUserId)
    const b = await page(`/w/${large.ws.slug}`, large.focalUserId)
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
  })

  it('one group of the home, page after page /w/<slug>?group=<group>&cursor=<cursor>', async () => {
    const a = await page(`/w/${small.ws.slug}?group=rest`, small.focalUserId)
    const b = await page(`/w/${large.ws.slug}?group=rest`, large.focalUserId)
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBe(a.count)
    const html = await (await fetch(`${server.url}/w/${large.ws.slug}`, { headers: { cookie: cookies.get(large.focalUserId) as string } })).text()
    const more = /href="(\/w\/[^"]+\?group=[a-zA-Z]+&amp;cursor=[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
    expect(more).toMatch(/^\/w\/[^?]+\?group=[a-zA-Z]+&cursor=.+$/)
    const next = await page(more as string, large.focalUserId)
    expect(next.status).toBe(200)
    expect(next.count).toBe(a.count)
  })
})

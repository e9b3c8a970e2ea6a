import { TRPCError } from '@trpc/server'
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { ZodError } from 'zod'
import type { Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { appRouter } from '#server/routers/_app.ts'
import { addEvidence } from '#server/services/assignments/add-evidence.ts'
import { downloadEvidence } from '#server/services/assignments/download-evidence.ts'
import { createCallerFactory } from '#server/trpc.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { createAssignment, createPlan } from '#tests/factories/plan.ts'

const createCaller = createCallerFactory(appRouter)
const callerFor = (actor: Actor) => createCaller({ actor, requestId: 'test-request', locale: 'en', invalidToken: false })

/** The AppError behind a rejected call (tRPC wraps it; services throw it bare). */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    const cause = error instanceof TRPCError ? error.cause : error
    if (cause instanceof AppError) return cause
    // Input the procedure's schema refused: the formatter reports the same code and field.
    if (error instanceof TRPCError && cause instanceof ZodError) {
      return new AppError('BAD_REQUEST', error.message, { field: cause.issues[0]?.path.join('.') })
    }
    throw error
  }
  throw new Error('expected the call to fail')
}

let ws: TestWorkspace
let taskId: string
let secretariat: Actor
let fpAR: Actor
let fpARUser: { id: string; email: string }
let fpBR: Actor
let partnerIOM: Actor
let observer: Actor
let stranger: Actor

beforeAll(async () => {
  ws = await createWorkspace(db)
  const plan = await createPlan(db, ws, ['Objective A\tSpecific A\tLine A\tTask one', '\t\t\tTask two'])
  taskId = plan.nodeId('1.1.1.1')
  secretariat = (await createMember(db, ws, 'secretariat', { name: 'Sofía Secretariat' })).actor
  const fp = await createMember(db, ws, 'focal_point', { countryCode: 'AR', name: 'Ana Focal', email: `ana.focal.${ws.slug}@example.org` })
  fpAR = fp.actor
  fpARUser = fp.user
  fpBR = (await createMember(db, ws, 'focal_point', { countryCode: 'BR', name: 'Bruno Focal' })).actor
  partnerIOM = (await createMember(db, ws, 'partner', { organisationCode: 'IOM', name: 'Paula Partner' })).actor
  observer = (await createMember(db, ws, 'observer', { name: 'Olga Observer' })).actor
  const other = await createWorkspace(db)
  stranger = (await createMember(db, other, 'secretariat', { name: 'Stranger' })).actor
})

let periods = 0
async function newAssignment(country = 'AR', status: 'not_started' | 'in_progress' | 'submitted' | 'completed' = 'not_started') {
  // One assignment per task, country and period: each test gets its own period.
  periods += 1
  const period = `${2030 + Math.floor(periods / 12)}-${String((periods % 12) + 1).padStart(2, '0')}`
  const a = await createAssignment(db, ws, taskId, { countryCode: country }, { dueDate: '2027-06-30', status, period })
  return a.id
}

/** Everything a write could touch, for one assignment. */
async function state(assignmentId: string) {
  const a = await db.selectFrom('assignment').select(['status', 'progress_note', 'version', 'updated_at']).where('id', '=', assignmentId).executeTakeFirstOrThrow()
  const count = async (table: 'assignment_history' | 'evidence' | 'comment', column: 'assignment_id') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where(column, '=', assignmentId).executeTakeFirstOrThrow()).n)
  const activity = Number(
    (await db.selectFrom('activity').select((eb) => eb.fn.countAll<number>().as('n')).where('subject_id', '=', assignmentId).executeTakeFirstOrThrow()).n,
  )
  const outbox = await db
    .selectFrom('outbox')
    .select(['topic', 'payload', 'created_at'])
    .where(sql<string>`payload->>'assignmentId'`, '=', assignmentId)
    .orderBy('created_at')
    .execute()
  return {
    status: a.status,
    note: a.progress_note,
    version: a.version,
    updatedAt: a.updated_at,
    history: await count('assignment_history', 'assignment_id'),
    evidence: await count('evidence', 'assignment_id'),
    comments: await count('comment', 'assignment_id'),
    activity,
    outbox: outbox as { topic: string; payload: Record<string, unknown>; created_at: Date }[],
  }
}

describe('assignment.update / verify / return through tRPC', () => {
  it('runs the whole path: start, submit with evidence, return with a comment, resubmit, verify — one history and one activity row per change', async () => {
    const id = await newAssignment()
    const fp = callerFor(fpAR)
    const sec = callerFor(secretariat)

    const started = await fp.assignment.update({ assignmentId: id, version: 1, status: 'in_progress' })
    expect(started).toMatchObject({ id, status: 'in_progress', version: 2, countryCode: 'AR', taskCode: '1.1.1.1', taskTitle: 'Task one' })
    let s = await state(id)
    expect([s.history, s.activity]).toEqual([1, 1])

    const noNote = await failure(fp.assignment.update({ assignmentId: id, version: 2, status: 'submitted' }))
    expect(noNote.code).toBe('BAD_REQUEST')
    expect(noNote.details.field).toBe('progressNote')
    expect((await state(id)).version).toBe(2)

    const submitted = await fp.assignment.update({
      assignmentId: id,
      version: 2,
      status: 'submitted',
      progressNote: 'Decree 123/2026 published.',
      evidenceUrl: 'https://boletinoficial.gob.ar/decree-123',
    })
    expect(submitted).toMatchObject({ status: 'submitted', version: 3, progressNote: 'Decree 123/2026 published.' })
    s = await state(id)
    expect(s).toMatchObject({ history: 2, activity: 2, evidence: 1 })
    const submittedEvent = s.outbox.find((o) => o.topic === 'assignment.submitted')
    expect(submittedEvent?.payload).toMatchObject({ assignmentId: id, workspaceId: ws.id, actorId: fpAR.userId, recipientUserIds: [secretariat.userId] })

    const noComment = await failure(sec.assignment.return({ assignmentId: id, version: 3, comment: '   ' }))
    expect(noComment).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'comment' } })

    const returned = await sec.assignment.return({ assignmentId: id, version: 3, comment: 'Please attach the decree itself.' })
    expect(returned).toMatchObject({ status: 'in_progress', version: 4 })
    s = await state(id)
    expect(s).toMatchObject({ history: 3, activity: 3, comments: 1 })
    expect(s.outbox.find((o) => o.topic === 'assignment.returned')?.payload).toMatchObject({ recipientUserIds: [fpAR.userId], actorId: secretariat.userId })

    await fp.assignment.update({ assignmentId: id, version: 4, status: 'submitted', progressNote: 'Decree attached.' })
    const verified = await sec.assignment.verify({ assignmentId: id, version: 5 })
    expect(verified).toMatchObject({ status: 'completed', version: 6, overdue: false })
    s = await state(id)
    expect(s).toMatchObject({ history: 5, activity: 5 })
    expect(s.outbox.map((o) => o.topic)).toEqual(['assignment.submitted', 'assignment.returned', 'assignment.submitted', 'assignment.verified'])
    expect(s.outbox.find((o) => o.topic === 'assignment.verified')?.payload).toMatchObject({ recipientUserIds: [fpAR.userId] })

    const history = await db.selectFrom('assignment_history').select(['action', 'from_status', 'to_status', 'version', 'actor_id']).where('assignment_id', '=', id).orderBy('version').execute()
    expect(history.map((h) => [h.action, h.from_status, h.to_status, h.version])).toEqual([
      ['start', 'not_started', 'in_progress', 2],
      ['submit', 'in_progress', 'submitted', 3],
      ['return', 'submitted', 'in_progress', 4],
      ['submit', 'in_progress', 'submitted', 5],
      ['verify', 'submitted', 'completed', 6],
    ])
    const activity = await db.selectFrom('activity').select(['action', 'before', 'after', 'actor_id']).where('subject_id', '=', id).orderBy('at').execute()
    expect(activity[4]).toMatchObject({ action: 'assignment.verify', actor_id: secretariat.userId, before: { status: 'submitted', version: 5 }, after: { status: 'completed', version: 6 } })

    // A completed assignment: the focal point cannot change it; the secretariat reopens it with a comment.
    expect((await failure(fp.assignment.update({ assignmentId: id, version: 6, progressNote: 'late edit' }))).code).toBe('BAD_REQUEST')
    const reopenBare = await failure(sec.assignment.update({ assignmentId: id, version: 6, status: 'in_progress' }))
    expect(reopenBare.details.field).toBe('comment')
    const reopened = await sec.assignment.update({ assignmentId: id, version: 6, status: 'in_progress', comment: 'The decree was revoked.' })
    expect(reopened).toMatchObject({ status: 'in_progress', version: 7 })
    expect(await state(id)).toMatchObject({ history: 6, activity: 6, comments: 2 })
  })

  it('writes the change, its history, its activity and its outbox row in one transaction', async () => {
    const id = await newAssignment('AR', 'in_progress')
    await callerFor(fpAR).assignment.update({ assignmentId: id, version: 1, status: 'submitted', progressNote: 'Done.' })
    // now() is the transaction's start time: rows written in one transaction carry the very same instant.
    const s = await state(id)
    const h = await db.selectFrom('assignment_history').select('at').where('assignment_id', '=', id).executeTakeFirstOrThrow()
    const a = await db.selectFrom('activity').select('at').where('subject_id', '=', id).executeTakeFirstOrThrow()
    expect(h.at.getTime()).toBe(s.updatedAt.getTime())
    expect(a.at.getTime()).toBe(s.updatedAt.getTime())
    expect(s.outbox[0].created_at.getTime()).toBe(s.updatedAt.getTime())
  })

  it('refuses a stale version with CONFLICT naming who changed it and when, and changes nothing', async () => {
    const id = await newAssignment()
    await callerFor(fpAR).assignment.update({ assignmentId: id, version: 1, status: 'in_progress', progressNote: 'Started' })
    const before = await state(id)
    const conflict = await failure(callerFor(secretariat).assignment.update({ assignmentId: id, version: 1, progressNote: 'Mine' }))
    expect(conflict.code).toBe('CONFLICT')
    expect(conflict.details.conflict).toEqual({ by: 'Ana Focal', at: before.updatedAt.toISOString() })
    expect(conflict.message).toContain('Ana Focal')
    expect(await state(id)).toEqual(before)
    const staleVerify = await failure(callerFor(secretariat).assignment.verify({ assignmentId: id, version: 1 }))
    expect(staleVerify.code).toBe('CONFLICT')
  })

  it('two real concurrent requests with the same version: exactly one wins, exactly one history row', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await newAssignment('AR', 'in_progress')
      const results = await Promise.allSettled([
        callerFor(fpAR).assignment.update({ assignmentId: id, version: 1, progressNote: 'From Buenos Aires' }),
        callerFor(secretariat).assignment.update({ assignmentId: id, version: 1, progressNote: 'From the secretariat' }),
      ])
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      const cause = (lost[0].reason as TRPCError).cause
      expect(cause).toBeInstanceOf(AppError)
      expect((cause as AppError).code).toBe('CONFLICT')
      const s = await state(id)
      expect(s).toMatchObject({ version: 2, history: 1, activity: 1 })
    }
  })

  it('enforces the status table and the roles', async () => {
    const id = await newAssignment()
    const skip = await failure(callerFor(fpAR).assignment.update({ assignmentId: id, version: 1, status: 'submitted', progressNote: 'n' }))
    expect(skip).toMatchObject({ code: 'BAD_REQUEST', details: { allowed: ['in_progress', 'not_applicable'] } })
    expect(skip.message).toContain('in_progress, not_applicable')
    const complete = await failure(callerFor(secretariat).assignment.update({ assignmentId: id, version: 1, status: 'completed' }))
    expect(complete.code).toBe('BAD_REQUEST')
    expect((await failure(callerFor(fpBR).assignment.update({ assignmentId: id, version: 1, status: 'in_progress' }))).code).toBe('FORBIDDEN')
    expect((await failure(callerFor(partnerIOM).assignment.update({ assignmentId: id, version: 1, status: 'in_progress' }))).code).toBe('FORBIDDEN')
    expect((await failure(callerFor(observer).assignment.update({ assignmentId: id, version: 1, status: 'in_progress' }))).code).toBe('FORBIDDEN')
    expect((await failure(callerFor(stranger).assignment.update({ assignmentId: id, version: 1, status: 'in_progress' }))).code).toBe('NOT_FOUND')
    expect((await failure(callerFor(stranger).assignment.get({ assignmentId: id }))).code).toBe('NOT_FOUND')
    const na = await failure(callerFor(fpAR).assignment.update({ assignmentId: id, version: 1, status: 'not_applicable' }))
    expect(na.details.field).toBe('progressNote')
    expect(await state(id)).toMatchObject({ version: 1, history: 0, activity: 0 })

    const submitted = await newAssignment('AR', 'submitted')
    expect((await failure(callerFor(fpAR).assignment.verify({ assignmentId: submitted, version: 1 }))).code).toBe('FORBIDDEN')
    expect((await failure(callerFor(fpAR).assignment.return({ assignmentId: submitted, version: 1, comment: 'x' }))).code).toBe('FORBIDDEN')
    const secWithdraw = await failure(callerFor(secretariat).assignment.update({ assignmentId: submitted, version: 1, status: 'in_progress' }))
    expect(secWithdraw).toMatchObject({ code: 'BAD_REQUEST', details: { allowed: ['completed', 'in_progress'] } })
    const withdrawn = await callerFor(fpAR).assignment.update({ assignmentId: submitted, version: 1, status: 'in_progress' })
    expect(withdrawn.status).toBe('in_progress')
    const verifyOpen = await failure(callerFor(secretariat).assignment.verify({ assignmentId: submitted, version: 2 }))
    expect(verifyOpen.code).toBe('BAD_REQUEST')
  })

  it('a partner reports on the assignments its organisation leads', async () => {
    const a = await createAssignment(db, ws, taskId, { organisationCode: 'IOM' }, { dueDate: '2027-03-01' })
    const updated = await callerFor(partnerIOM).assignment.update({ assignmentId: a.id, version: 1, status: 'in_progress' })
    expect(updated).toMatchObject({ status: 'in_progress', countryCode: null })
    await callerFor(partnerIOM).assignment.update({ assignmentId: a.id, version: 2, status: 'submitted', progressNote: 'Report delivered' })
    await callerFor(secretariat).assignment.verify({ assignmentId: a.id, version: 3 })
    const s = await state(a.id)
    expect(s.outbox.find((o) => o.topic === 'assignment.verified')?.payload).toMatchObject({ recipientUserIds: [partnerIOM.userId] })
  })
})

describe('bad input changes nothing', () => {
  it.each([
    ['javascript:alert(1)'],
    ['ftp://files.example.org/report.pdf'],
    ['not a url'],
    ['mailto:someone@example.org'],
  ])('evidenceUrl %s is refused naming the field', async (url) => {
    const id = await newAssignment('AR', 'in_progress')
    const before = await state(id)
    const error = await failure(callerFor(fpAR).assignment.update({ assignmentId: id, version: 1, progressNote: 'with a link', evidenceUrl: url }))
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.details.field).toBe('evidenceUrl')
    expect(await state(id)).toEqual(before)
  })

  it('a comment of 10,001 characters is refused; 10,000 is accepted', async () => {
    const id = await newAssignment()
    const before = await state(id)
    const error = await failure(callerFor(fpAR).comment.add({ assignmentId: id, body: 'x'.repeat(10_001) }))
    expect(error.code).toBe('BAD_REQUEST')
    expect(await state(id)).toEqual(before)
    const ok = await callerFor(fpAR).comment.add({ assignmentId: id, body: 'y'.repeat(10_000) })
    expect(ok.body).toHaveLength(10_000)
    const empty = await failure(callerFor(fpAR).comment.add({ assignmentId: id, body: '  ' }))
    expect(empty.code).toBe('BAD_REQUEST')
  })

  it('a file that is too large, empty or of a type that is not allowed is refused', async () => {
    const id = await newAssignment('AR', 'in_progress')
    const before = await state(id)
    const pdfHeader = Buffer.from('%PDF-1.7\n')
    const tooLarge = Buffer.concat([pdfHeader, Buffer.alloc(20 * 1024 * 1024 + 1 - pdfHeader.length, 0x20)])
    const bad = [
      { name: 'big.pdf', data: tooLarge },
      { name: 'empty.pdf', data: Buffer.alloc(0) },
      { name: 'tool.exe', data: Buffer.from('MZ\x90\x00binary') },
      { name: 'renamed.pdf', data: Buffer.from('MZ\x90\x00binary') },
      { name: 'page.png', data: Buffer.from('<html><script>alert(1)</script></html>') },
      { name: 'noextension', data: pdfHeader },
    ]
    for (const file of bad) {
      const error = await failure(addEvidence(fpAR, { assignmentId: id, version: 1, file }))
      expect(error.code, file.name).toBe('BAD_REQUEST')
      expect(error.details.field, file.name).toBe('file')
    }
    expect(await state(id)).toEqual(before)
  })
})

describe('evidence', () => {
  it('stores an uploaded file in PostgreSQL and serves it back to members only', async () => {
    const id = await newAssignment('AR', 'in_progress')
    const data = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('report body')])
    const result = await addEvidence(fpAR, { assignmentId: id, version: 1, file: { name: 'informe-2026.pdf', data } })
    expect(result.evidence).toMatchObject({ kind: 'file', fileName: 'informe-2026.pdf', contentType: 'application/pdf', sizeBytes: data.length })
    expect(result.assignment.version).toBe(2)
    expect(await state(id)).toMatchObject({ history: 1, activity: 1, evidence: 1 })
    const stored = await db.selectFrom('evidence_file').select('data').where('evidence_id', '=', result.evidence.id).executeTakeFirstOrThrow()
    expect(Buffer.compare(stored.data, data)).toBe(0)
    const download = await downloadEvidence(observer, { evidenceId: result.evidence.id })
    expect(Buffer.compare(download.data, data)).toBe(0)
    expect(download.contentType).toBe('application/pdf')
    expect((await failure(downloadEvidence(stranger, { evidenceId: result.evidence.id }))).code).toBe('NOT_FOUND')
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])
    const image = await addEvidence(fpAR, { assignmentId: id, version: 2, file: { name: 'photo.PNG', data: png } })
    expect(image.evidence.contentType).toBe('image/png')
    expect((await failure(addEvidence(fpBR, { assignmentId: id, version: 3, file: { name: 'x.png', data: png } }))).code).toBe('FORBIDDEN')
    const link = await addEvidence(fpAR, { assignmentId: id, version: 3, url: 'http://example.org/a' })
    expect(link.evidence).toMatchObject({ kind: 'link', url: 'http://example.org/a' })

    const detail = await callerFor(observer).assignment.get({ assignmentId: id })
    expect(detail.evidence.map((e) => e.fileName ?? e.url)).toEqual(['informe-2026.pdf', 'photo.PNG', 'http://example.org/a'])
    expect(detail.history.map((h) => h.action)).toEqual(['evidence', 'evidence', 'evidence'])
    expect(detail.task.path.map((p) => p.code)).toEqual(['1', '1.1', '1.1.1'])
    expect(detail.allowedTransitions).toEqual([])
    expect(detail.can).toEqual({ update: false, verify: false, comment: false })
  })
})

describe('comment.add', () => {
  it('adds a comment, notifies the members it @mentions, writes one history and one activity row, and leaves the version alone', async () => {
    const id = await newAssignment()
    const handle = fpARUser.email.split('@')[0]
    const comment = await callerFor(secretariat).comment.add({ assignmentId: id, body: `@${handle}, could you attach the law? cc @nobody.here` })
    expect(comment).toMatchObject({ assignmentId: id, authorId: secretariat.userId, mentionedUserIds: [fpAR.userId] })
    const s = await state(id)
    expect(s).toMatchObject({ version: 1, history: 1, activity: 1, comments: 1 })
    expect(s.outbox).toHaveLength(1)
    expect(s.outbox[0]).toMatchObject({ topic: 'comment.mentioned', payload: { commentId: comment.id, recipientUserIds: [fpAR.userId] } })
    expect((await failure(callerFor(observer).comment.add({ assignmentId: id, body: 'hello' }))).code).toBe('FORBIDDEN')
    expect((await failure(callerFor(stranger).comment.add({ assignmentId: id, body: 'hello' }))).code).toBe('NOT_FOUND')
    const partnerComment = await callerFor(partnerIOM).comment.add({ assignmentId: id, body: 'IOM can help.' })
    expect(partnerComment.mentionedUserIds).toEqual([])
    const detail = await callerFor(fpAR).assignment.get({ assignmentId: id })
    expect(detail.comments.map((c) => c.authorName)).toEqual(['Sofía Secretariat', 'Paula Partner'])
  })
})

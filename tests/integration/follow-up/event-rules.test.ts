import { beforeAll, describe, expect, it } from 'vitest'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { db } from '#server/db.ts'
import { setPreference } from '#server/repositories/follow-up.ts'
import { addComment } from '#server/services/assignments/add-comment.ts'
import { returnAssignment } from '#server/services/assignments/return-assignment.ts'
import { updateAssignment } from '#server/services/assignments/update-assignment.ts'
import { verifyAssignment } from '#server/services/assignments/verify-assignment.ts'
import { processOutboxInline } from '#server/services/follow-up/process-outbox.ts'
import { createFollowUpWorld, type FollowUpWorld } from '#tests/factories/follow-up.ts'

const seen = new Set<string>()
async function handleEvents(w: FollowUpWorld) {
  await processOutboxInline({ asOf: new Date() })
  await deliverPending()
  const rows = await db
    .selectFrom('local_mail')
    .select(['id', 'to_address', 'subject', 'text'])
    .where('to_address', 'like', `%.${w.workspace.slug}@example.org`)
    .orderBy('to_address')
    .orderBy('subject')
    .execute()
  const fresh = rows.filter((r) => !seen.has(r.id))
  for (const r of fresh) seen.add(r.id)
  return fresh.map((r) => ({ to: r.to_address.replace(/\.ws-[0-9a-f]+@example\.org$/, ''), subject: r.subject, text: r.text }))
}
const subjects = (mail: { to: string; subject: string }[]) => mail.map((m) => `${m.to} | ${m.subject}`)

describe('event rules: submitted, returned, verified, @mentions (at once, once per event)', () => {
  let w: FollowUpWorld
  let id: string
  let version = 1
  beforeAll(async () => {
    w = await createFollowUpWorld(db)
    id = (await w.assign(1, 'AR', '2027-05-01', 'in_progress')).id
  })

  it('a submission goes to the secretariat at once, and only once', async () => {
    version = (await updateAssignment(w.fp.AR.actor, { assignmentId: id, version, status: 'submitted', progressNote: 'Informe enviado' })).version
    expect(subjects(await handleEvents(w))).toEqual(['sec | [Argentina] 1.1.1.1 presentada para verificación'])
    expect(await handleEvents(w)).toEqual([])
  })

  it('a return goes to the country\'s focal points with the comment', async () => {
    version = (await returnAssignment(w.secretariat.actor, { assignmentId: id, version, comment: 'Falta la evidencia' })).version
    const mail = await handleEvents(w)
    expect(subjects(mail)).toEqual(['fp.ar | [Argentina] 1.1.1.1 devuelta por la secretaría'])
    expect(mail[0].text).toContain('Falta la evidencia')
    expect(mail[0].text).toMatch(/\/a\/[\w-]+\.[\w-]+/) // the signed one-click status link
  })

  it('each event is its own occasion: a second submission is a second e-mail; verification reaches the focal points', async () => {
    version = (await updateAssignment(w.fp.AR.actor, { assignmentId: id, version, status: 'submitted', progressNote: 'Con evidencia' })).version
    expect(subjects(await handleEvents(w))).toEqual(['sec | [Argentina] 1.1.1.1 presentada para verificación'])
    version = (await verifyAssignment(w.secretariat.actor, { assignmentId: id, version })).version
    expect(subjects(await handleEvents(w))).toEqual(['fp.ar | [Argentina] 1.1.1.1 verificada'])
  })

  it('an @mention reaches the named member in their language, not the author', async () => {
    const handle = `fp.br.${w.workspace.slug}`
    await addComment(w.secretariat.actor, { assignmentId: id, body: `@${handle} ¿pueden compartir su modelo?` })
    const mail = await handleEvents(w)
    expect(subjects(mail)).toEqual(['fp.br | Sofía Secretaría mencionou você em 1.1.1.1'])
    expect(mail[0].text).toContain('¿pueden compartir su modelo?')
  })

  it('a secretariat member who prefers submissions in the digest gets no immediate e-mail', async () => {
    await setPreference(db, w.secretariat.user.id, 'submissions', 'digest')
    const other = (await w.assign(2, 'BR', '2027-05-01', 'in_progress')).id
    await updateAssignment(w.fp.BR.actor, { assignmentId: other, version: 1, status: 'submitted', progressNote: 'Pronto' })
    expect(await handleEvents(w)).toEqual([])
    const dispatched = await db.selectFrom('outbox').select('dispatched_at').where('dispatched_at', 'is', null).execute()
    expect(dispatched).toEqual([])
  })
})

describe('notification preferences (for the settings page)', () => {
  it('reads defaults, changes categories, refuses a mode a category does not have', async () => {
    const { getNotificationPreferences, updateNotificationPreferences } = await import('#server/services/follow-up/notification-preferences.ts')
    const w = await createFollowUpWorld(db)
    expect(await getNotificationPreferences(w.fp.AR.actor)).toEqual({ reminders: 'immediate', status: 'immediate', mentions: 'immediate', submissions: 'immediate', escalations: 'immediate' })
    expect(await updateNotificationPreferences(w.secretariat.actor, { submissions: 'digest', mentions: 'off' })).toMatchObject({ submissions: 'digest', mentions: 'off', reminders: 'immediate' })
    await expect(updateNotificationPreferences(w.fp.AR.actor, { reminders: 'digest' as 'off' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'reminders' } })
    expect(await getNotificationPreferences(w.fp.AR.actor)).toMatchObject({ reminders: 'immediate' })
  })
})

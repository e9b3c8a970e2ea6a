import { beforeAll, describe, expect, it } from 'vitest'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { db } from '#server/db.ts'
import { runDigestSweep } from '#server/services/follow-up/run-digest-sweep.ts'
import { parseAsOf } from '#server/services/follow-up/time.ts'
import { createFollowUpWorld, type FollowUpWorld } from '#tests/factories/follow-up.ts'

const seen = new Set<string>()
async function digests(asOf: string, w: FollowUpWorld) {
  await runDigestSweep({ asOf: parseAsOf(asOf) })
  await deliverPending()
  const rows = await db
    .selectFrom('local_mail')
    .select(['id', 'to_address', 'subject', 'text'])
    .where('to_address', 'like', `%.${w.workspace.slug}@example.org`)
    .orderBy('to_address')
    .execute()
  const fresh = rows.filter((r) => !seen.has(r.id))
  for (const r of fresh) seen.add(r.id)
  return fresh.map((r) => ({ to: r.to_address.replace(/\.ws-[0-9a-f]+@example\.org$/, ''), subject: r.subject.replace(/Workspace ws-[0-9a-f]+/, 'W'), text: r.text }))
}
const who = (mail: { to: string; subject: string }[]) => mail.map((m) => `${m.to} | ${m.subject}`)

describe('digests: 08:00 in each user\'s time zone, their language, only when something is new', () => {
  let w: FollowUpWorld
  beforeAll(async () => {
    w = await createFollowUpWorld(db)
    await w.assign(1, 'AR', '2027-03-15') // due-soon from Monday 2027-03-01
    await w.assign(1, 'CL', '2027-03-15') // Chile has no focal point
    await db.updateTable('app_user').set({ digest_frequency: 'weekly' }).where('id', '=', w.fp.BR.user.id).execute()
    await w.assign(2, 'BR', '2027-03-16') // due-soon from Tuesday 03-02
    await db.updateTable('app_user').set({ digest_frequency: 'off' }).where('id', '=', w.fp.GY.user.id).execute()
    await w.assign(2, 'GY', '2027-03-10')
  })

  it('before 08:00 local: nothing', async () => {
    // 10:00 UTC = 07:00 in Buenos Aires, 05:00 in Lima.
    expect(await digests('2027-03-01T10:00:00Z', w)).toEqual([])
  })

  it('at 08:30 in Buenos Aires the Argentine focal point gets hers, in Spanish', async () => {
    const mail = await digests('2027-03-01T11:30:00Z', w)
    expect(who(mail)).toEqual(['fp.ar | Resumen de Ruta — W (1 de marzo de 2027)'])
    expect(mail[0].text).toContain('PRÓXIMOS VENCIMIENTOS')
    expect(mail[0].text).toContain('1.1.1.1 Tarea uno')
    expect(mail[0].text).not.toContain('Chile')
  })

  it('at 08:30 in Lima the secretariat gets everything, with who cannot receive reminders', async () => {
    const mail = await digests('2027-03-01T13:30:00Z', w)
    expect(who(mail)).toEqual(['sec | Resumen de Ruta — W (1 de marzo de 2027)'])
    expect(mail[0].text).toContain('Argentina')
    expect(mail[0].text).toContain('SIN NADIE QUE RECIBA LOS RECORDATORIOS')
    expect(mail[0].text).toContain('Chile: no hay ningún miembro activo')
  })

  it('later the same day, nothing more; the next day only those with something new get one', async () => {
    expect(await digests('2027-03-01T22:00:00Z', w)).toEqual([])
    // Brazil's item became due-soon on 03-02: new for the secretariat (everywhere), nothing new for Argentina.
    const next = await digests('2027-03-02T14:00:00Z', w)
    expect(who(next)).toEqual(['sec | Resumen de Ruta — W (2 de marzo de 2027)'])
    expect(next[0].text).toContain('Brasil')
  })

  it('a change since the last digest brings one the next morning', async () => {
    const assignment = await db.selectFrom('assignment').select(['id', 'version']).where('country_id', '=', w.workspace.countryId('AR')).executeTakeFirstOrThrow()
    await db
      .insertInto('assignment_history')
      .values({ assignment_id: assignment.id, actor_id: w.fp.AR.user.id, action: 'status', from_status: 'not_started', to_status: 'in_progress', version: 2, at: '2027-03-02T18:00:00Z' })
      .execute()
    await db.updateTable('assignment').set({ status: 'in_progress', version: 2 }).where('id', '=', assignment.id).execute()
    const mail = await digests('2027-03-03T14:00:00Z', w)
    expect(who(mail)).toEqual(['fp.ar | Resumen de Ruta — W (3 de marzo de 2027)', 'sec | Resumen de Ruta — W (3 de marzo de 2027)'])
    expect(mail[0].text).toContain('CAMBIOS')
    expect(mail[0].text).toContain('En curso')
  })

  it('weekly digests come on Mondays only, in Portuguese for Brazil; "off" gets none', async () => {
    // BR's item became due-soon on Tuesday 03-02: the weekly digest waits for Monday 03-08.
    expect(who(await digests('2027-03-04T12:00:00Z', w))).toEqual([])
    const monday = await digests('2027-03-08T12:00:00Z', w)
    expect(who(monday)).toContain('fp.br | Resumo do Ruta — W (8 de março de 2027)')
    expect(monday.some((m) => m.to === 'fp.gy')).toBe(false)
  })
})

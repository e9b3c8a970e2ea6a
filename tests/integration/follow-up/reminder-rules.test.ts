import { beforeAll, describe, expect, it } from 'vitest'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { db } from '#server/db.ts'
import { setPreference } from '#server/repositories/follow-up.ts'
import { runReminderSweep } from '#server/services/follow-up/run-reminder-sweep.ts'
import { parseAsOf } from '#server/services/follow-up/time.ts'
import { createFollowUpWorld, type FollowUpWorld } from '#tests/factories/follow-up.ts'

const seen = new Set<string>()
/** Runs the sweep as of `asOf`, delivers, and returns the new mail of this world (to, subject, text, headers). */
async function sweep(asOf: string, w: FollowUpWorld) {
  await runReminderSweep({ asOf: parseAsOf(asOf) })
  await deliverPending()
  const rows = await db
    .selectFrom('local_mail')
    .select(['id', 'to_address', 'subject', 'text', 'headers'])
    .where('to_address', 'like', `%.${w.workspace.slug}@example.org`)
    .orderBy('to_address')
    .orderBy('subject')
    .execute()
  const fresh = rows.filter((r) => !seen.has(r.id))
  for (const r of fresh) seen.add(r.id)
  return fresh
}

const short = (rows: { to_address: string; subject: string }[]) => rows.map((r) => `${r.to_address.replace(/\.ws-[0-9a-f]+@example\.org$/, '')} | ${r.subject}`)

describe('reminder rules, day by day (Argentina, due 2027-03-15)', () => {
  let w: FollowUpWorld
  beforeAll(async () => {
    w = await createFollowUpWorld(db)
    await w.assign(1, 'AR', '2027-03-15')
  })

  // Each row runs in order: the state (the e-mail log) carries over, which is the point.
  const days: [asOf: string, expected: string[]][] = [
    ['2027-02-28', []],
    ['2027-03-01', ['fp.ar | [Argentina] 1.1.1.1 vence en 14 días']],
    ['2027-03-01T23:00:00Z', []], // same occasion, later that day: nothing new
    ['2027-03-05', []],
    ['2027-03-12', ['fp.ar | [Argentina] 1.1.1.1 vence en 3 días']],
    ['2027-03-15', []], // the due day itself: already reminded
    ['2027-03-16', ['fp.ar | [Argentina] 1.1.1.1 está atrasada (1 día)']],
    ['2027-03-20', []],
    ['2027-03-23', ['fp.ar | [Argentina] 1.1.1.1 está atrasada (8 días)']],
    ['2027-03-23', []], // the sweep run twice sends nothing new
    // Day 30: the weekly overdue reminder (week 5 started on 04-13) and, once, the escalation to the secretariat.
    ['2027-04-14', ['fp.ar | [Argentina] 1.1.1.1 está atrasada (30 días)', 'sec | Atraso de 30 días: Argentina — 1.1.1.1']],
    ['2027-04-19', []],
    ['2027-04-20', ['fp.ar | [Argentina] 1.1.1.1 está atrasada (36 días)']],
  ]
  for (const [asOf, expected] of days) {
    it(`as of ${asOf}: ${expected.length ? expected.join('; ') : 'nothing'}`, async () => {
      const mail = await sweep(asOf, w)
      expect(short(mail)).toEqual(expected)
    })
  }
})

describe('reminder rules: languages, time zones, who does not get them', () => {
  it('a first run three days before sends the 3-day reminder only, in each focal point\'s language', async () => {
    const w = await createFollowUpWorld(db)
    await w.assign(2, 'AR', '2027-06-10')
    await w.assign(2, 'BR', '2027-06-10')
    await w.assign(2, 'GY', '2027-06-10')
    const mail = await sweep('2027-06-07', w)
    expect(short(mail)).toEqual([
      `fp.ar | [Argentina] 1.1.1.2 vence en 3 días`,
      `fp.br | [Brasil] 1.1.1.2 vence em 3 dias`,
      `fp.gy | [Guyana] 1.1.1.2 is due in 3 days`,
    ])
    const gy = mail.find((m) => m.to_address.startsWith('fp.gy'))
    expect(gy?.text).toContain('Task 1.1.1.2 “Tarea dos” assigned to Guyana is due on 10 June 2027 (in 3 days).')
    expect(gy?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(gy?.headers['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:\d+\/unsubscribe\/[\w-]+\.[\w-]+>$/)
    expect(await sweep('2027-06-07', w)).toEqual([])
  })

  it('the due day counts in the country\'s time zone', async () => {
    const w = await createFollowUpWorld(db)
    await w.assign(3, 'AR', '2027-07-14')
    // 14 days before is 06-30; at 02:00 UTC it is still 06-29 in Buenos Aires (UTC-3).
    expect(short(await sweep('2027-06-30T02:00:00Z', w))).toEqual([])
    expect(short(await sweep('2027-06-30T03:30:00Z', w))).toEqual(['fp.ar | [Argentina] 1.1.1.3 vence en 14 días'])
  })

  it('nothing for submitted, completed or not applicable assignments', async () => {
    const w = await createFollowUpWorld(db)
    await w.assign(1, 'AR', '2027-08-10', 'submitted')
    await w.assign(1, 'BR', '2027-08-10', 'completed')
    await w.assign(1, 'GY', '2027-08-10', 'not_applicable')
    expect(await sweep('2027-08-07', w)).toEqual([])
    expect(await sweep('2027-08-20', w)).toEqual([])
  })

  it('no e-mail to a bounced address, to someone who turned reminders off, or for a country with no focal point', async () => {
    const w2 = await createFollowUpWorld(db)
    await db.updateTable('app_user').set({ email_bounced_at: new Date() }).where('id', '=', w2.fp.AR.user.id).execute()
    await setPreference(db, w2.fp.BR.user.id, 'reminders', 'off')
    await w2.assign(1, 'AR', '2027-09-10')
    await w2.assign(1, 'BR', '2027-09-10')
    await w2.assign(1, 'CL', '2027-09-10')
    await w2.assign(1, 'GY', '2027-09-10')
    expect(short(await sweep('2027-09-07', w2))).toEqual(['fp.gy | [Guyana] 1.1.1.1 is due in 3 days'])
  })

  it('a deactivated focal point gets nothing', async () => {
    const w3 = await createFollowUpWorld(db)
    await db.updateTable('membership').set({ deactivated_at: new Date() }).where('user_id', '=', w3.fp.GY.user.id).execute()
    await w3.assign(2, 'GY', '2027-10-10')
    expect(await sweep('2027-10-07', w3)).toEqual([])
  })
})

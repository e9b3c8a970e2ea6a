import { beforeAll, describe, expect, it } from 'vitest'
import { db, onQuery } from '#server/db.ts'
import { runDigestSweep } from '#server/services/follow-up/run-digest-sweep.ts'
import { parseAsOf } from '#server/services/follow-up/time.ts'
import { verifyUnsubscribeToken } from '#server/services/follow-up/tokens.ts'
import { createFollowUpWorld, type FollowUpWorld } from '#tests/factories/follow-up.ts'

interface Payload {
  to: string
  subject: string
  html: string
  text: string
  headers: Record<string, string>
}

async function digestsOf(w: FollowUpWorld, occasion: string) {
  const rows = await db
    .selectFrom('email_log')
    .select(['recipient', 'payload'])
    .where('category', '=', 'digest')
    .where('workspace_id', '=', w.workspace.id)
    .where('occasion', '=', occasion)
    .orderBy('recipient')
    .execute()
  return rows.map((r) => ({ to: r.recipient.replace(/\.ws-[0-9a-f]+@example\.org$/, ''), payload: r.payload as Payload }))
}

async function sweepCounting(asOf: string) {
  let statements = 0
  const stop = onQuery(() => statements++)
  try {
    const result = await runDigestSweep({ asOf: parseAsOf(asOf) })
    return { result, statements }
  } finally {
    stop()
  }
}

describe('the digest sweep: shared bodies, claims and what it costs', () => {
  let w: FollowUpWorld
  beforeAll(async () => {
    w = await createFollowUpWorld(db)
    await w.assign(1, 'AR', '2027-03-15') // due-soon from Monday 2027-03-01
    const extra = await w.addFocalPoints('AR', 3, 'more')
    await db.updateTable('app_user').set({ name: 'Ana <b>&</b>' }).where('id', '=', extra[0].id).execute()
  })

  it('recipients of one body each get their own name (escaped in HTML) and their own one-click unsubscribe link', async () => {
    await runDigestSweep({ asOf: parseAsOf('2027-03-01T13:30:00Z') })
    const ar = (await digestsOf(w, '2027-03-01')).filter((m) => m.to.endsWith('.ar'))
    expect(ar.map((m) => m.to)).toEqual(['fp.ar', 'more0.ar', 'more1.ar', 'more2.ar'])
    const ana = ar.find((m) => m.to === 'more0.ar')!.payload
    expect(ana.text).toContain('Hola Ana <b>&</b>:')
    expect(ana.html).toContain('Ana &lt;b&gt;&amp;&lt;/b&gt;')
    expect(ana.html).not.toContain('<b>&</b>')
    expect(ar.find((m) => m.to === 'more1.ar')!.payload.text).toContain('Hola FP 1:')

    const users = await db.selectFrom('app_user').select(['id', 'email']).where('email', 'like', `%.ar.${w.workspace.slug}@example.org`).execute()
    const links = new Set<string>()
    for (const { to, payload } of ar) {
      expect(payload.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
      const url = /^<(.+)>$/.exec(payload.headers['List-Unsubscribe'])![1]
      expect(payload.text).toContain(url)
      expect(payload.html).toContain(url)
      links.add(url)
      const claims = await verifyUnsubscribeToken(url.split('/unsubscribe/')[1], parseAsOf('2027-03-01T13:30:00Z'))
      expect(claims).toMatchObject({ u: users.find((u) => u.email.startsWith(`${to}.`))!.id, c: 'digest' })
      expect(payload.text).not.toContain('RUTA-NAME')
      expect(payload.html).not.toContain('ruta-unsubscribe-placeholder')
    }
    expect(links.size).toBe(4)
    // Apart from the name and the link, one body.
    const bare = ar.map(({ payload }) => payload.text.replace(/^Hola .*:$/m, '').replace(/\S+\/unsubscribe\/\S+/g, ''))
    expect(new Set(bare).size).toBe(1)
  })

  it('a digest is claimed once: a second sweep for the same day finds the keys taken and sends nothing', async () => {
    const before = (await digestsOf(w, '2027-03-01')).length
    // As if another worker had read these members before the first sweep moved their last digest.
    await db.updateTable('membership').set({ last_digest_at: null }).where('workspace_id', '=', w.workspace.id).execute()
    const again = await runDigestSweep({ asOf: parseAsOf('2027-03-01T13:30:00Z') })
    expect(again.claimed).toBe(0)
    expect(again.skipped).toBeGreaterThanOrEqual(before)
    expect((await digestsOf(w, '2027-03-01')).length).toBe(before)
    const moved = await db.selectFrom('membership').select('last_digest_at').where('workspace_id', '=', w.workspace.id).where('last_digest_at', 'is not', null).execute()
    expect(moved).toEqual([])
    await db.updateTable('membership').set({ last_digest_at: parseAsOf('2027-03-01T13:30:00Z') }).where('workspace_id', '=', w.workspace.id).execute()
  })

  it('an address that bounced is news for the secretariat on its own; the others get nothing new', async () => {
    await db.updateTable('app_user').set({ email_bounced_at: new Date('2027-03-02T01:00:00Z') }).where('id', '=', w.fp.GY.user.id).execute()
    await runDigestSweep({ asOf: parseAsOf('2027-03-02T14:00:00Z') })
    const mail = await digestsOf(w, '2027-03-02')
    expect(mail.map((m) => m.to)).toEqual(['sec'])
    expect(mail[0].payload.text).toContain('SIN NADIE QUE RECIBA LOS RECORDATORIOS')
    expect(mail[0].payload.text).toContain(`Guyana: la dirección fp.gy.${w.workspace.slug}@example.org rebotó`)
  })

  it('the number of statements does not grow with recipients or assignments', async () => {
    await w.assign(1, 'BR', '2027-03-17') // due-soon from 03-03
    const small = await sweepCounting('2027-03-03T14:00:00Z')
    expect(small.result.claimed).toBeGreaterThan(0)

    await w.addFocalPoints('AR', 40, 'many')
    await w.addFocalPoints('CL', 20, 'many')
    for (const cc of ['AR', 'BR', 'CL']) await w.assign(2, cc, '2027-03-18') // due-soon from 03-04
    for (const cc of ['AR', 'BR', 'CL']) await w.assign(3, cc, '2027-02-20') // overdue
    const large = await sweepCounting('2027-03-04T14:00:00Z')
    expect(large.result.claimed).toBeGreaterThan(small.result.claimed + 50)
    expect(large.statements).toBe(small.statements)
    expect(large.statements).toBeLessThanOrEqual(6)
  })
})

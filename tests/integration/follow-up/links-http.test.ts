import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverPending } from '#emails/delivery/deliver.ts'
import { db } from '#server/db.ts'
import { listEmailLogPage } from '#server/services/follow-up/list-email-log.ts'
import { runReminderSweep } from '#server/services/follow-up/run-reminder-sweep.ts'
import { parseAsOf } from '#server/services/follow-up/time.ts'
import { createFollowUpWorld, type FollowUpWorld } from '#tests/factories/follow-up.ts'
import { startHttpApp, type HttpApp } from '#tests/support/http-app.ts'

// The links in reminder e-mails, against the real Express app and Remix build.
let app: HttpApp | undefined
let base = ''
let w: FollowUpWorld
let assignmentId = ''
let mailText = ''
const WEBHOOK_SECRET = `whsec_${Buffer.from('a-test-secret-of-enough-length!!').toString('base64')}`

beforeAll(async () => {
  process.env.RESEND_WEBHOOK_SECRET = WEBHOOK_SECRET
  app = await startHttpApp()
  base = app.base

  w = await createFollowUpWorld(db)
  assignmentId = (await w.assign(1, 'GY', '2027-03-15', 'in_progress')).id
  await runReminderSweep({ asOf: parseAsOf('2027-03-12') })
  await deliverPending()
  const mail = await db.selectFrom('local_mail').select('text').where('to_address', '=', `fp.gy.${w.workspace.slug}@example.org`).executeTakeFirstOrThrow()
  mailText = mail.text
})

afterAll(() => app?.close())

/** A link from the e-mail, pointed at this test's server. */
function link(pattern: RegExp) {
  const found = mailText.match(pattern)?.[0]
  if (!found) throw new Error(`no link ${pattern} in:\n${mailText}`)
  return found.replace(/^https?:\/\/[^/]+/, base)
}

async function assignmentState() {
  return db.selectFrom('assignment').select(['status', 'version']).where('id', '=', assignmentId).executeTakeFirstOrThrow()
}

describe('links in reminder e-mails', () => {
  it('the status link changes nothing on GET; it shows a confirmation form', async () => {
    const url = link(/https?:\/\/\S+\/a\/[\w-]+\.[\w-]+/)
    const before = await assignmentState()
    const page = await fetch(url, { headers: { 'Accept-Language': 'en' } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Nothing changes until you send the form')
    expect(html).toContain(`name="version" value="${before.version}"`)
    expect(await assignmentState()).toEqual(before)
  })

  it('submitting the form updates through the normal service, version checked', async () => {
    const url = link(/https?:\/\/\S+\/a\/[\w-]+\.[\w-]+/)
    const before = await assignmentState()
    const post = (version: number) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base, 'Accept-Language': 'en' },
        body: new URLSearchParams({ version: String(version), status: 'submitted', progressNote: 'Report sent by e-mail link' }).toString(),
      })
    const saved = await post(before.version)
    expect(saved.status).toBe(200)
    expect(await assignmentState()).toEqual({ status: 'submitted', version: before.version + 1 })
    const stale = await post(before.version)
    expect(stale.status).toBe(409)
    expect(await assignmentState()).toEqual({ status: 'submitted', version: before.version + 1 })
  })

  it('a forged status link opens nothing', async () => {
    const url = link(/https?:\/\/\S+\/a\/[\w-]+\.[\w-]+/)
    expect((await fetch(`${url.slice(0, -3)}xyz`)).status).toBe(404)
  })

  it('one-click unsubscribe: GET only asks; POST without cookie or Origin turns the category off', async () => {
    const url = link(/https?:\/\/\S+\/unsubscribe\/[\w-]+\.[\w-]+/)
    const pref = () => db.selectFrom('notification_preference').select(['category', 'mode']).where('user_id', '=', w.fp.GY.user.id).execute()
    const page = await fetch(url, { headers: { 'Accept-Language': 'en' } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Stop sending “due-date reminders”')
    expect(await pref()).toEqual([])
    const oneClick = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(oneClick.status).toBe(200)
    expect(await pref()).toEqual([{ category: 'reminders', mode: 'off' }])
    // No more reminders for that focal point.
    await w.assign(2, 'GY', '2027-04-15')
    expect(await runReminderSweep({ asOf: parseAsOf('2027-04-12') })).toMatchObject({ claimed: 0 })
  })

  it('the Resend webhook needs a valid signature; a bounce marks the address and the log', async () => {
    const log = await db.selectFrom('email_log').select(['id', 'provider_id']).where('user_id', '=', w.fp.GY.user.id).executeTakeFirstOrThrow()
    const body = JSON.stringify({ type: 'email.bounced', created_at: new Date().toISOString(), data: { email_id: log.provider_id, to: [`fp.gy.${w.workspace.slug}@example.org`] } })
    const id = 'msg_test_1'
    const timestamp = new Date()
    const signature = new Webhook(WEBHOOK_SECRET).sign(id, timestamp, body)
    const headers = { 'Content-Type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'svix-signature': signature }
    const forged = await fetch(`${base}/api/webhooks/resend`, { method: 'POST', headers: { ...headers, 'svix-signature': 'v1,AAAA' }, body })
    expect(forged.status).toBe(401)
    const accepted = await fetch(`${base}/api/webhooks/resend`, { method: 'POST', headers, body })
    expect(accepted.status).toBe(200)
    const user = await db.selectFrom('app_user').select('email_bounced_at').where('id', '=', w.fp.GY.user.id).executeTakeFirstOrThrow()
    expect(user.email_bounced_at).not.toBeNull()
    const entries = await listEmailLogPage(w.secretariat.actor, { workspaceId: w.workspace.id, failedOnly: true })
    expect(entries.map((e) => [e.recipient, e.status, e.error])).toEqual([[`fp.gy.${w.workspace.slug}@example.org`, 'bounced', 'Resend: email.bounced']])
    await expect(listEmailLogPage(w.fp.AR.actor, { workspaceId: w.workspace.id })).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })
})

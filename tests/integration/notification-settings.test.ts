import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiToken } from '#server/auth/api-token.ts'
import { createSession } from '#server/auth/session.ts'
import { db } from '#server/db.ts'
import { unsubscribeToken } from '#server/services/follow-up/tokens.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'
import { startHttpApp, type HttpApp } from '#tests/support/http-app.ts'

// The Notifications section of /settings over HTTP, as a browser without
// JavaScript uses it (plain form posts), and its agreement with the
// one-click unsubscribe of the e-mails.
let app: HttpApp | undefined
let base = ''
let workspace: TestWorkspace

beforeAll(async () => {
  app = await startHttpApp()
  base = app.base
  workspace = await createWorkspace(db)
})
afterAll(() => app?.close())

/** A member signed in by browser session (no password needed: the session is created directly). */
async function signedIn(role: 'focal_point' | 'secretariat' | 'observer' = 'secretariat') {
  const member = await createMember(db, workspace, role, role === 'focal_point' ? { countryCode: 'PE' } : {})
  const { cookie } = await createSession(member.user.id, { ip: '127.0.0.1', userAgent: 'vitest' })
  return { userId: member.user.id, cookie: cookie.split(';')[0] }
}

async function page(cookie: string) {
  const response = await fetch(`${base}/settings?lng=en`, { redirect: 'manual', headers: { Cookie: cookie } })
  expect(response.status).toBe(200)
  return response.text()
}

async function save(headers: Record<string, string>, fields: Record<string, string>) {
  return fetch(`${base}/settings?lng=en`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ intent: 'notifications', ...fields }).toString(),
  })
}

/** The radio buttons of a group as the server rendered them (React writes `checked` before `value`). */
function radios(html: string, name: string) {
  const inputs = [...html.matchAll(/<input type="radio"[^>]*>/g)].map((m) => m[0]).filter((tag) => tag.includes(` name="${name}"`))
  expect(inputs.length).toBeGreaterThan(0)
  return inputs.map((tag) => ({ value: /value="([a-z]+)"/.exec(tag)?.[1], checked: / checked=""/.test(tag) }))
}
/** The value(s) checked in a group. */
const checked = (html: string, name: string) => radios(html, name).filter((r) => r.checked).map((r) => r.value)
/** The values offered in a group. */
const offered = (html: string, name: string) => radios(html, name).map((r) => r.value)

const rows = (userId: string) =>
  db.selectFrom('notification_preference').select(['category', 'mode']).where('user_id', '=', userId).orderBy('category').execute()
const frequency = async (userId: string) =>
  (await db.selectFrom('app_user').select('digest_frequency').where('id', '=', userId).executeTakeFirstOrThrow()).digest_frequency

describe('/settings#notifications', () => {
  it('shows each category with the modes it allows, the current values, the digest frequency and the mandatory-notice note', async () => {
    const { userId, cookie } = await signedIn()
    await db
      .insertInto('notification_preference')
      .values([
        { user_id: userId, category: 'mentions', mode: 'off' },
        { user_id: userId, category: 'submissions', mode: 'digest' },
      ])
      .execute()
    await db.updateTable('app_user').set({ digest_frequency: 'weekly' }).where('id', '=', userId).execute()

    const html = await page(cookie)
    expect(html).toContain('<section id="notifications" aria-labelledby="notifications-heading">')
    expect(html).toContain('<h2 id="notifications-heading">Notifications</h2>')
    expect(html).toContain('Invitations and password resets are always sent')
    for (const legend of ['Due-date and overdue reminders', 'Returns and verifications', 'Mentions in comments', 'Submissions to verify', 'Serious delays (30 days)', 'Email digest']) {
      expect(html).toContain(`<legend>${legend}</legend>`)
    }
    expect(offered(html, 'reminders')).toEqual(['immediate', 'off'])
    expect(offered(html, 'submissions')).toEqual(['immediate', 'digest', 'off'])
    expect(checked(html, 'reminders')).toEqual(['immediate'])
    expect(checked(html, 'mentions')).toEqual(['off'])
    expect(checked(html, 'submissions')).toEqual(['digest'])
    expect(checked(html, 'digestFrequency')).toEqual(['weekly'])
    // The frequency moved here: the profile form no longer carries it (one group on the page).
    expect(offered(html, 'digestFrequency')).toEqual(['daily', 'weekly', 'off'])
    expect(html).toContain('<input type="hidden" name="intent" value="notifications"/>')
  })

  it('saves the categories and the frequency, says so in the live region, and the page shows the new values', async () => {
    const { userId, cookie } = await signedIn('focal_point')
    const response = await save({ Cookie: cookie }, { reminders: 'off', status: 'immediate', mentions: 'immediate', submissions: 'digest', escalations: 'off', digestFrequency: 'off' })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toMatch(/<div aria-live="polite" aria-atomic="true" tabindex="-1"><p class="notice">Notification preferences saved\.<\/p>/)
    expect(await rows(userId)).toEqual([
      { category: 'escalations', mode: 'off' },
      { category: 'mentions', mode: 'immediate' },
      { category: 'reminders', mode: 'off' },
      { category: 'status', mode: 'immediate' },
      { category: 'submissions', mode: 'digest' },
    ])
    expect(await frequency(userId)).toBe('off')
    const again = await page(cookie)
    expect(checked(again, 'reminders')).toEqual(['off'])
    expect(checked(again, 'escalations')).toEqual(['off'])
    expect(checked(again, 'digestFrequency')).toEqual(['off'])
    // The change is in the audit log, as the other account settings are.
    const activity = await db.selectFrom('activity').select('action').where('actor_id', '=', userId).where('action', '=', 'user.notifications_updated').execute()
    expect(activity).toHaveLength(1)

    // The profile form, without a frequency, leaves the frequency alone.
    const profile = await fetch(`${base}/settings?lng=en`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ intent: 'profile', name: 'Rosa Quispe', locale: 'es', timeZone: 'America/Lima' }).toString(),
    })
    expect(profile.status).toBe(200)
    expect(await frequency(userId)).toBe('off')
  })

  it('refuses a mode a category does not allow, an unknown category or frequency: names the field and changes nothing', async () => {
    const { userId, cookie } = await signedIn()
    await save({ Cookie: cookie }, { mentions: 'off', digestFrequency: 'daily' })
    const before = { rows: await rows(userId), frequency: await frequency(userId) }
    expect(before).toEqual({ rows: [{ category: 'mentions', mode: 'off' }], frequency: 'daily' })

    // Only submissions may go in the digest; the valid fields posted with it are not saved either.
    const badMode = await save({ Cookie: cookie }, { submissions: 'off', reminders: 'digest', digestFrequency: 'weekly' })
    expect(badMode.status).toBe(400)
    const badModeHtml = await badMode.text()
    expect(badModeHtml).toContain('“Due-date and overdue reminders”: choose one of the options offered. Nothing was changed.')
    expect(badModeHtml).toMatch(/<fieldset role="radiogroup" aria-invalid="true" aria-describedby="notifications-reminders-error">/)

    const unknown = await save({ Cookie: cookie }, { newsletters: 'off', mentions: 'immediate' })
    expect(unknown.status).toBe(400)
    expect(await unknown.text()).toContain('“newsletters” is not a kind of notification. Nothing was changed.')

    const badFrequency = await save({ Cookie: cookie }, { digestFrequency: 'hourly', mentions: 'immediate' })
    expect(badFrequency.status).toBe(400)
    expect(await badFrequency.text()).toContain('“Email digest”: choose one of the options offered.')

    expect({ rows: await rows(userId), frequency: await frequency(userId) }).toEqual(before)
  })

  it('refuses API-token callers (account settings need a browser session)', async () => {
    const { userId } = await signedIn()
    const { token } = await createApiToken(userId, 'script')
    const response = await save({ Authorization: `Bearer ${token}` }, { reminders: 'off' })
    expect(response.status).toBe(403)
    expect(await rows(userId)).toEqual([])
  })

  it('a one-click unsubscribe (POST, no cookie) shows as "off" on the page; choosing a frequency again turns the digest back on', async () => {
    const { userId, cookie } = await signedIn()
    for (const category of ['mentions', 'digest'] as const) {
      const token = await unsubscribeToken(userId, category, new Date())
      const response = await fetch(`${base}/unsubscribe/${token}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      })
      expect(response.status).toBe(200)
    }
    const html = await page(cookie)
    expect(checked(html, 'mentions')).toEqual(['off'])
    expect(checked(html, 'reminders')).toEqual(['immediate'])
    expect(checked(html, 'digestFrequency')).toEqual(['off'])

    const response = await save({ Cookie: cookie }, { digestFrequency: 'daily' })
    expect(response.status).toBe(200)
    expect(await frequency(userId)).toBe('daily')
    // The unsubscribe's 'digest' row is gone with it, so the digest sweep includes this person again.
    expect((await rows(userId)).map((r) => r.category)).toEqual(['mentions'])
  })
})

import { beforeAll, describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '#server/auth/password.ts'
import { createSession } from '#server/auth/session.ts'
import { sha256Hex } from '#server/auth/tokens.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { inspectPasswordReset } from '#server/services/password-reset/inspect-password-reset.ts'
import { RESET_ANSWER_FLOOR_MS, RESET_LIMITS, requestPasswordReset } from '#server/services/password-reset/request-password-reset.ts'
import { resetPassword, ResetUnusableError } from '#server/services/password-reset/reset-password.ts'
import { latestMailTo, linkIn } from '#tests/factories/accounts.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'

const OLD = 'ancient-password-4471'
const NEW = 'copper-lagoon-skylark-29'
let ws: TestWorkspace
let n = 0
const nextIp = () => `10.1.0.${++n}`

async function member(email: string, locale: 'es' | 'pt' | 'en' | null = null) {
  const { user } = await createMember(db, ws, 'focal_point', { countryCode: 'AR', email, passwordHash: await hashPassword(OLD) })
  if (locale) await db.updateTable('app_user').set({ locale }).where('id', '=', user.id).execute()
  return user
}

async function requestLink(email: string) {
  const result = await requestPasswordReset({ email }, { ip: nextIp(), locale: 'es' })
  const mail = await latestMailTo(db, email.toLowerCase())
  return { result, mail, ...(mail ? linkIn(mail.text, 'reset-password') : { url: '', token: '' }) }
}

beforeAll(async () => {
  ws = await createWorkspace(db)
})

describe('asking for a reset link', () => {
  it('e-mails a single-use link valid for one hour, in the user’s language; only its hash is stored', async () => {
    const user = await member('forgetful@example.org', 'en')
    const before = Date.now()
    const { result, mail, token } = await requestLink('Forgetful@Example.org')
    expect(result.outcome).toBe('sent')
    expect(mail?.subject).toBe('Reset your Ruta password')
    expect(mail?.text).toContain('expires in 1 hour')
    const row = await db.selectFrom('password_reset').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow()
    expect(row.token_hash).toBe(sha256Hex(token))
    expect(row.expires_at.getTime() - before).toBeGreaterThan(59 * 60_000)
    expect(row.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000)
    expect(row.used_at).toBeNull()
  })

  it('an unknown address gets no e-mail and leaves no trace, and the caller cannot tell, not even by the time taken', async () => {
    const started = Date.now()
    const { result, mail } = await requestLink('nobody-here@example.org')
    expect(Date.now() - started).toBeGreaterThanOrEqual(RESET_ANSWER_FLOOR_MS - 5)
    expect(result.outcome).toBe('unknown-address')
    expect(mail).toBeUndefined()
    expect(await db.selectFrom('email_log').select('id').where('recipient', '=', 'nobody-here@example.org').executeTakeFirst()).toBeUndefined()
  })

  it('a malformed address is refused with the field named', async () => {
    const error = await requestPasswordReset({ email: 'nope' }, { ip: nextIp(), locale: 'es' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).details.field).toBe('email')
  })

  it(`sends at most ${RESET_LIMITS.address.points} links an hour to one address, from any IP address`, async () => {
    const user = await member('bombed@example.org')
    const outcomes = []
    for (let i = 0; i < RESET_LIMITS.address.points + 2; i++) outcomes.push((await requestPasswordReset({ email: 'bombed@example.org' }, { ip: nextIp(), locale: 'es' })).outcome)
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(RESET_LIMITS.address.points)
    expect(outcomes.slice(-2)).toEqual(['throttled', 'throttled'])
    const mails = await db.selectFrom('local_mail').select('id').where('to_address', '=', 'bombed@example.org').execute()
    expect(mails).toHaveLength(RESET_LIMITS.address.points)
    expect(await db.selectFrom('password_reset').select('id').where('user_id', '=', user.id).execute()).toHaveLength(RESET_LIMITS.address.points)
  })

  it(`refuses one IP address after ${RESET_LIMITS.ip.points} requests, whatever the addresses (TOO_MANY_REQUESTS with when to retry)`, async () => {
    const ip = '192.0.2.77'
    for (let i = 0; i < RESET_LIMITS.ip.points; i++) await requestPasswordReset({ email: `spray${i}@example.org` }, { ip, locale: 'es' })
    const error = await requestPasswordReset({ email: 'spray-last@example.org' }, { ip, locale: 'es' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('TOO_MANY_REQUESTS')
    expect(Number((error as AppError).details.retryAfterSeconds)).toBeGreaterThan(0)
  })
})

describe('using the link', () => {
  it('GET only looks; POST sets the password, uses up every open link, ends all sessions and signs in afresh', async () => {
    const user = await member('resetter@example.org')
    const first = await requestLink('resetter@example.org')
    const second = await requestLink('resetter@example.org')
    const oldSession = await createSession(user.id, { ip: '127.0.0.1', userAgent: 'old' })
    for (let i = 0; i < 3; i++) expect(await inspectPasswordReset(second.token)).toEqual({ state: 'valid', email: 'resetter@example.org' })

    const result = await resetPassword({ token: second.token, password: NEW, passwordConfirm: NEW }, { ip: '127.0.0.9', userAgent: 'vitest' })
    expect(result.cookie).toMatch(/^ruta_session=/)
    const row = await db.selectFrom('app_user').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
    expect(await verifyPassword(row.password_hash, NEW)).toBe(true)
    expect(await verifyPassword(row.password_hash, OLD)).toBe(false)
    const sessions = await db.selectFrom('user_session').select(['id', 'user_agent']).where('user_id', '=', user.id).execute()
    expect(sessions).toEqual([expect.objectContaining({ user_agent: 'vitest' })])
    expect(sessions[0].id).not.toBe(oldSession.session.id)
    expect((await inspectPasswordReset(second.token)).state).toBe('used')
    expect((await inspectPasswordReset(first.token)).state).toBe('used')
    const again = await resetPassword({ token: second.token, password: OLD, passwordConfirm: OLD }).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(ResetUnusableError)
    expect((again as ResetUnusableError).state).toBe('used')
    expect(await db.selectFrom('activity').select('action').where('subject_id', '=', user.id).where('action', '=', 'user.password_reset').execute()).toHaveLength(1)
  })

  it('refuses a weak or mistyped password, and the link stays usable', async () => {
    await member('typo@example.org')
    const { token } = await requestLink('typo@example.org')
    const mismatch = await resetPassword({ token, password: NEW, passwordConfirm: 'something-else-entirely' }).catch((e: unknown) => e)
    expect((mismatch as AppError).details).toMatchObject({ field: 'passwordConfirm' })
    const weak = await resetPassword({ token, password: 'qwertyuiop123', passwordConfirm: 'qwertyuiop123' }).catch((e: unknown) => e)
    expect((weak as AppError).details).toMatchObject({ field: 'password' })
    expect((await inspectPasswordReset(token)).state).toBe('valid')
  })

  it('an expired link says so and changes nothing', async () => {
    const user = await member('slow@example.org')
    const { token } = await requestLink('slow@example.org')
    await db.updateTable('password_reset').set({ expires_at: new Date(Date.now() - 1) }).where('user_id', '=', user.id).execute()
    expect((await inspectPasswordReset(token)).state).toBe('expired')
    const error = await resetPassword({ token, password: NEW, passwordConfirm: NEW }).catch((e: unknown) => e)
    expect((error as ResetUnusableError).state).toBe('expired')
    const row = await db.selectFrom('app_user').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
    expect(await verifyPassword(row.password_hash, OLD)).toBe(true)
  })

  it('two simultaneous submissions of one link: exactly one succeeds', async () => {
    await member('double@example.org')
    const { token } = await requestLink('double@example.org')
    const outcomes = await Promise.allSettled([
      resetPassword({ token, password: NEW, passwordConfirm: NEW }),
      resetPassword({ token, password: `${NEW}-b`, passwordConfirm: `${NEW}-b` }),
    ])
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
  })

  it('a user with no active membership gets a new password but no session (they are sent to sign in)', async () => {
    const user = await member('gone@example.org')
    await db.updateTable('membership').set({ deactivated_at: new Date() }).where('user_id', '=', user.id).execute()
    const { token } = await requestLink('gone@example.org')
    const result = await resetPassword({ token, password: NEW, passwordConfirm: NEW })
    expect(result.cookie).toBeNull()
    expect(await db.selectFrom('user_session').select('id').where('user_id', '=', user.id).execute()).toHaveLength(0)
  })
})

import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { createSignInThrottle } from '#server/auth/throttle.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { closeRedis } from '#server/redis.ts'
import { signIn } from '#server/services/auth/sign-in.ts'
import { createWorkspace } from '#tests/factories/index.ts'
import { createMemberWithPassword, TEST_PASSWORD } from '#tests/factories/auth.ts'

/**
 * A successful sign-in is written once for the account (with the IP) and
 * once for each workspace the user is an active member of (without the IP),
 * so each secretariat sees it; a failed one stays workspace-less.
 */
const throttle = () => createSignInThrottle({ keyPrefix: `${process.env.QUEUE_PREFIX}:sia-${randomBytes(4).toString('hex')}` })
const meta = { ip: '198.51.100.7', userAgent: 'vitest' }

afterAll(async () => {
  await closeRedis()
})

describe('sign-in activity', () => {
  it('a sign-in appears in every workspace where the user is an active member, and nowhere else', async () => {
    const a = await createWorkspace(db, { countries: ['AR'] })
    const b = await createWorkspace(db, { countries: ['BR'] })
    const c = await createWorkspace(db, { countries: ['CL'] })
    const d = await createWorkspace(db, { countries: ['CO'] })
    const { user } = await createMemberWithPassword(db, a, 'focal_point', { countryCode: 'AR' })
    await db.insertInto('membership').values({ workspace_id: b.id, user_id: user.id, role: 'observer' }).execute()
    // A deactivated membership: that workspace no longer hears of them.
    await db.insertInto('membership').values({ workspace_id: c.id, user_id: user.id, role: 'observer', deactivated_at: new Date() }).execute()

    await signIn({ email: user.email, password: TEST_PASSWORD }, meta, { throttle: throttle() })

    const rows = await db.selectFrom('activity').select(['workspace_id', 'action', 'subject_type', 'subject_id', 'ip', 'after']).where('actor_id', '=', user.id).execute()
    const signIns = rows.filter((r) => r.action === 'auth.signed_in')
    expect(signIns.map((r) => r.workspace_id).sort()).toEqual([null, a.id, b.id].sort())
    for (const row of signIns) {
      expect(row.subject_type).toBe('user')
      expect(row.subject_id).toBe(user.id)
      expect(row.after).toEqual({ email: user.email })
    }
    expect(signIns.find((r) => r.workspace_id === null)?.ip).toBe(meta.ip)
    expect(signIns.filter((r) => r.workspace_id !== null).every((r) => r.ip === null)).toBe(true)
    const elsewhere = await db.selectFrom('activity').select('id').where('workspace_id', 'in', [c.id, d.id]).where('action', '=', 'auth.signed_in').execute()
    expect(elsewhere).toEqual([])
  })

  it('a failed sign-in of a member writes one workspace-less row', async () => {
    const a = await createWorkspace(db, { countries: ['AR'] })
    const { user } = await createMemberWithPassword(db, a, 'secretariat')
    const error = await signIn({ email: user.email, password: 'not-the-password-at-all' }, meta, { throttle: throttle() }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('UNAUTHORIZED')
    const rows = await db.selectFrom('activity').select(['workspace_id', 'action', 'after']).where('subject_id', '=', user.id).execute()
    expect(rows).toEqual([{ workspace_id: null, action: 'auth.sign_in_failed', after: { email: user.email } }])
    const inWorkspace = await db.selectFrom('activity').select('action').where('workspace_id', '=', a.id).where('action', 'like', 'auth.%').execute()
    expect(inWorkspace).toEqual([])
  })
})

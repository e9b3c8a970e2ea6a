import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '#db/seed/accounts.ts'
import { seedDemo } from '#db/seed/demo.ts'
import { createSignInThrottle } from '#server/auth/throttle.ts'
import { db } from '#server/db.ts'
import { loadActor } from '#server/repositories/actors.ts'
import { signIn } from '#server/services/auth/sign-in.ts'

const CODES = ['AR', 'BO', 'BR', 'CL', 'CO', 'EC', 'GY', 'PY', 'PE', 'SR', 'UY', 'VE']

describe('demo accounts', () => {
  it('are created once with the demo password and the roles of API.md; a second run changes nothing', async () => {
    // One of them exists already, with its own name and password: it must stay as it is.
    await db.insertInto('app_user').values({ email: 'observer@example.org', name: 'Kept name', password_hash: 'kept-hash' }).execute()

    const first = await seedDemo(db)
    expect(first.signIn).toBe('Demo sign-in: secretariat@example.org / ruta-demo-2026 (also fp.ar@example.org …, observer@example.org, admin@example.org)')
    expect(first.created).toContain('14 demo accounts')

    const users = await db.selectFrom('app_user').select(['id', 'email', 'name', 'is_admin', 'password_hash']).where('email', 'like', '%@example.org').execute()
    expect(users).toHaveLength(15)
    const observer = users.find((u) => u.email === 'observer@example.org')!
    expect(observer).toMatchObject({ name: 'Kept name', password_hash: 'kept-hash' })
    // One hash shared by all new demo users (argon2 is slow: it is computed once).
    expect(new Set(users.filter((u) => u.email !== 'observer@example.org').map((u) => u.password_hash)).size).toBe(1)

    const byEmail = async (email: string) => loadActor(db, users.find((u) => u.email === email)!.id)
    expect((await byEmail('secretariat@example.org'))?.memberships).toEqual([expect.objectContaining({ slug: 'sacm', role: 'secretariat' })])
    for (const code of CODES) {
      const actor = await byEmail(`fp.${code.toLowerCase()}@example.org`)
      expect(actor?.memberships).toEqual([expect.objectContaining({ slug: 'sacm', role: 'focal_point', countryCode: code })])
    }
    expect((await byEmail('fp.ar@example.org'))?.name).toBe('Focal point Argentina')
    expect((await byEmail('observer@example.org'))?.memberships).toEqual([expect.objectContaining({ slug: 'sacm', role: 'observer' })])
    const admin = await byEmail('admin@example.org')
    expect(admin).toMatchObject({ isAdmin: true, memberships: [] })

    const throttle = createSignInThrottle({ keyPrefix: `${process.env.QUEUE_PREFIX}:demo-${randomBytes(3).toString('hex')}` })
    const meta = { ip: '127.0.0.1', userAgent: 'vitest' }
    for (const email of ['secretariat@example.org', 'fp.ve@example.org', 'admin@example.org']) {
      expect((await signIn({ email, password: DEMO_PASSWORD }, meta, { throttle })).actor.email).toBe(email)
    }

    const second = await seedDemo(db)
    expect(second.created.filter((c) => c.includes('demo'))).toEqual([])
    expect(await db.selectFrom('app_user').select('id').where('email', 'like', '%@example.org').execute()).toHaveLength(15)
  })
})

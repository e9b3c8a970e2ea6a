import { describe, expect, it } from 'vitest'
import { hashPassword, passwordProblem, verifyPassword } from '#server/auth/password.ts'

describe('password policy', () => {
  it('wants 12 to 200 characters, counted as characters, not bytes', () => {
    expect(passwordProblem('eleven chrs')).toEqual({ key: 'password.tooShort', values: { min: 12, max: 200 } })
    expect(passwordProblem('twelve chars')).toBeNull()
    expect(passwordProblem('ñandú-pingüino')).toBeNull()
    expect(passwordProblem('🦙🦙🦙🦙🦙🦙🦙🦙🦙🦙🦙')?.key).toBe('password.tooShort')
    expect(passwordProblem('x'.repeat(199) + 'y')).toBeNull()
    expect(passwordProblem('x'.repeat(200) + 'y')?.key).toBe('password.tooLong')
  })

  it('refuses common passwords, in any case, and common ones repeated', () => {
    for (const common of ['qwerty123456', 'QWERTY123456', '1q2w3e4r5t6y', 'passwordpassword', '123456123456', 'aaaaaaaaaaaaaa']) {
      expect(passwordProblem(common)?.key, common).toBe('password.tooCommon')
    }
    expect(passwordProblem('correct horse battery staple')).toBeNull()
  })
})

describe('password hashing', () => {
  it('uses argon2id with 19 MiB, 2 passes, 1 lane, and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple')
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true)
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false)
    expect(await verifyPassword(null, 'anything')).toBe(false)
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false)
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash)
  })
})

import { hash, verify, type Options } from '@node-rs/argon2'
import { dictionary } from '@zxcvbn-ts/language-common'

/**
 * Password hashing and the password policy.
 *
 * argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane). The parameters
 * are stored in every hash (PHC string), so raising them later keeps old
 * hashes verifiable.
 */
const ARGON2_OPTIONS: Options = {
  // 2 = Argon2id (a const enum in the package's types, not importable with isolatedModules).
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
}

export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 200

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, ARGON2_OPTIONS)
}

/** false for a wrong password and for a malformed or missing hash; never throws on bad input. */
export async function verifyPassword(passwordHash: string | null | undefined, plain: string): Promise<boolean> {
  if (!passwordHash || !passwordHash.startsWith('$argon2')) return false
  try {
    return await verify(passwordHash, plain)
  } catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Verifies against a fixed hash so that a sign-in for an unknown address (or
 * an account without a password) costs the same time as a real one.
 */
export async function burnPasswordCheck(plain: string): Promise<void> {
  dummyHash ??= hashPassword('ruta-timing-equaliser-not-a-password')
  await verifyPassword(await dummyHash, plain)
}

let common: Set<string> | undefined

/** The common-password list of zxcvbn-ts (≈49 000 entries, lower-case). */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))
  return common
}

export type PasswordProblemKey = 'password.tooShort' | 'password.tooLong' | 'password.tooCommon'

/**
 * Why a new password is refused, or null when it is acceptable. `key` is in
 * the `auth` namespace: `t(problem.key, { ns: 'auth', ...problem.values })`.
 */
export function passwordProblem(plain: string): null | { key: PasswordProblemKey; values: { min: number; max: number } } {
  const values = { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }
  // Length in code points, so that "ñ" or an emoji counts as one character.
  const length = [...plain].length
  if (length < PASSWORD_MIN_LENGTH) return { key: 'password.tooShort', values }
  if (length > PASSWORD_MAX_LENGTH) return { key: 'password.tooLong', values }
  if (isCommon(plain)) return { key: 'password.tooCommon', values }
  return null
}

function isCommon(plain: string): boolean {
  const lower = plain.toLowerCase()
  const list = commonPasswords()
  if (list.has(lower)) return true
  // One character over and over ("aaaaaaaaaaaa").
  if (/^(.)\1*$/u.test(lower)) return true
  // A common password repeated to reach the length ("password" × 2, "123456" × 2).
  const repeated = /^(.+?)\1+$/u.exec(lower)
  if (repeated && list.has(repeated[1])) return true
  return false
}

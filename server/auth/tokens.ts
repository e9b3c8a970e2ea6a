import { createHash, randomBytes } from 'node:crypto'

/**
 * Secrets handed to a browser or a script (session tokens, API tokens, and
 * single-use links) are random; only their SHA-256 is stored, so a leaked
 * table gives no one a way in.
 */
export function randomToken(bytes = 32): string {
  if (bytes < 20) throw new Error('a token needs at least 20 random bytes')
  return randomBytes(bytes).toString('hex')
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

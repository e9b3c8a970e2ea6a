import { randomToken, sha256Hex } from '#server/auth/tokens.ts'

/**
 * Tokens of single-use links (invitations, password resets): 32 random
 * bytes in hex in the link, only their SHA-256 in the database.
 */
export function newOneTimeToken(): { token: string; hash: string } {
  const token = randomToken(32)
  return { token, hash: sha256Hex(token) }
}

export function isWellFormedOneTimeToken(token: string): boolean {
  return /^[0-9a-f]{64}$/.test(token)
}

export function hashOneTimeToken(token: string): string {
  return sha256Hex(token)
}

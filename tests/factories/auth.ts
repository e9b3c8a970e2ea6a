import type { Kysely } from 'kysely'
import type { DB, Role } from '#db/types.ts'
import { hashPassword } from '#server/auth/password.ts'
import { createSession } from '#server/auth/session.ts'
import { createMember, type TestWorkspace } from './index.ts'

/** A password that passes the policy, and its hash computed once per file (argon2 is slow on purpose). */
export const TEST_PASSWORD = 'lantern-orbit-quay-47'
let hashed: Promise<string> | undefined
export function testPasswordHash(): Promise<string> {
  hashed ??= hashPassword(TEST_PASSWORD)
  return hashed
}

/** A member who can sign in with TEST_PASSWORD. */
export async function createMemberWithPassword(
  db: Kysely<DB>,
  workspace: TestWorkspace,
  role: Role,
  opts: { countryCode?: string; organisationCode?: string; email?: string; name?: string } = {},
) {
  return createMember(db, workspace, role, { ...opts, passwordHash: await testPasswordHash() })
}

/** A member with a live session: the Cookie header value to send and the session's stored id. */
export async function createSignedInMember(db: Kysely<DB>, workspace: TestWorkspace, role: Role, opts: { countryCode?: string; email?: string } = {}) {
  const member = await createMemberWithPassword(db, workspace, role, opts)
  const { token, cookie, session } = await createSession(member.user.id, { ip: '127.0.0.1', userAgent: 'vitest' })
  const cookieHeader = cookie.split(';')[0]
  return { ...member, token, cookie, cookieHeader, sessionId: session.id }
}

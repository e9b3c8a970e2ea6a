import type { Kysely } from 'kysely'
import type { DB, Role } from '#db/types.ts'
import { hashPassword } from '#server/auth/password.ts'
import { SACM_COUNTRIES } from './reference.ts'

/**
 * The demo accounts of API.md, all with the password DEMO_PASSWORD. Only
 * missing users and memberships are inserted; nothing existing is changed
 * (a demo user whose password was changed keeps it). The demo password is
 * set directly, bypassing the common-password policy that applies to
 * passwords people choose.
 */
export const DEMO_PASSWORD = 'ruta-demo-2026'

export const DEMO_SIGN_IN = `Demo sign-in: secretariat@example.org / ${DEMO_PASSWORD} (also fp.ar@example.org …, observer@example.org, admin@example.org)`

interface DemoAccount {
  email: string
  name: string
  isAdmin?: boolean
  role?: Role
  countryCode?: string
}

export function demoAccounts(): DemoAccount[] {
  return [
    { email: 'secretariat@example.org', name: 'Secretariat', role: 'secretariat' },
    ...SACM_COUNTRIES.map((c) => ({
      email: `fp.${c.code.toLowerCase()}@example.org`,
      name: `Focal point ${c.en}`,
      role: 'focal_point' as const,
      countryCode: c.code,
    })),
    { email: 'observer@example.org', name: 'Observer', role: 'observer' },
    { email: 'admin@example.org', name: 'Instance admin', isAdmin: true },
  ]
}

/** Inserts the missing demo accounts of a workspace; returns what was created, for the start-up report. */
export async function seedDemoAccounts(db: Kysely<DB>, workspaceId: string): Promise<string[]> {
  const accounts = demoAccounts()
  const emails = accounts.map((a) => a.email)
  const existing = await db.selectFrom('app_user').select(['id', 'email']).where('email', 'in', emails).execute()
  const missing = accounts.filter((a) => !existing.some((u) => u.email === a.email))
  const created: string[] = []

  if (missing.length) {
    // argon2 is slow on purpose: hash once, share the hash.
    const passwordHash = await hashPassword(DEMO_PASSWORD)
    const inserted = await db
      .insertInto('app_user')
      .values(missing.map((a) => ({ email: a.email, name: a.name, password_hash: passwordHash, is_admin: a.isAdmin ?? false })))
      .onConflict((oc) => oc.column('email').doNothing())
      .returning(['id', 'email'])
      .execute()
    existing.push(...inserted)
    if (inserted.length) created.push(`${inserted.length} demo accounts`)
  }

  const countries = await db.selectFrom('country').select(['id', 'code']).where('workspace_id', '=', workspaceId).execute()
  const memberships = accounts
    .filter((a) => a.role)
    .map((a) => {
      const user = existing.find((u) => u.email === a.email)
      const countryId = a.countryCode ? countries.find((c) => c.code.trim() === a.countryCode)?.id : null
      return user && countryId !== undefined ? { workspace_id: workspaceId, user_id: user.id, role: a.role!, country_id: countryId } : null
    })
    .filter((m) => m !== null)
  if (memberships.length) {
    const added = await db
      .insertInto('membership')
      .values(memberships)
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .returning('id')
      .execute()
    if (added.length) created.push(`${added.length} demo memberships`)
  }
  return created
}

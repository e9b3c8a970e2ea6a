import { z } from 'zod'
import { db } from '#server/db.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import { issuePasswordReset, resetUrl } from '../password-reset/issue-password-reset.ts'
import { parseInput } from '../parse-input.ts'
import { ZEmail } from '../schemas.ts'

export const ADMIN_LINK_TTL_MS = 24 * 60 * 60 * 1000

/**
 * `npm run admin:create -- <email>`: creates the instance admin (or marks an
 * existing user admin) and returns a one-time link, valid 24 hours, to set
 * the password. The account has no password until then; an existing
 * account keeps its password (the link lets them choose a new one).
 */
export async function createAdminUser(rawEmail: string) {
  const { email } = parseInput(z.object({ email: ZEmail }), { email: rawEmail })
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('app_user').select(['id', 'is_admin']).where('email', '=', email).forUpdate().executeTakeFirst()
    let userId: string
    let created = false
    if (existing) {
      userId = existing.id
      if (!existing.is_admin) await trx.updateTable('app_user').set({ is_admin: true, updated_at: new Date() }).where('id', '=', userId).execute()
    } else {
      const row = await trx.insertInto('app_user').values({ email, is_admin: true, password_hash: null }).returning('id').executeTakeFirstOrThrow()
      userId = row.id
      created = true
    }
    const issued = await issuePasswordReset(trx, userId, ADMIN_LINK_TTL_MS)
    await recordActivity(trx, {
      workspaceId: null,
      actorId: null,
      action: created ? 'admin.created' : existing?.is_admin ? 'admin.setup_link_issued' : 'admin.granted',
      subjectType: 'user',
      subjectId: userId,
      before: existing ? { isAdmin: existing.is_admin } : undefined,
      after: { email, isAdmin: true },
    })
    return { userId, email, created, wasAdmin: existing?.is_admin ?? false, link: resetUrl(issued.token), expiresAt: issued.expiresAt }
  })
}

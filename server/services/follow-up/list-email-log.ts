import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { listEmailLog } from '#server/repositories/follow-up.ts'

/** The e-mail log of a workspace, newest first (secretariat only): what was sent, and what failed and why. */
export async function listEmailLogPage(actor: Actor, input: { workspaceId: string; failedOnly?: boolean }) {
  authorize(actor, 'read:email-log', input.workspaceId)
  const rows = await listEmailLog(db, input.workspaceId, { failedOnly: input.failedOnly ?? false, limit: 200 })
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString(), sent_at: r.sent_at ? r.sent_at.toISOString() : null }))
}

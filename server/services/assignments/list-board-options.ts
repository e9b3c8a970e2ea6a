import { requireMember, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import * as assignments from '#server/repositories/assignments.ts'

/** The member states and organisations the board's filters offer. */
export async function listBoardOptions(actor: Actor, input: { workspaceId: string }) {
  requireMember(actor, input.workspaceId)
  return assignments.boardOptions(db, input.workspaceId)
}

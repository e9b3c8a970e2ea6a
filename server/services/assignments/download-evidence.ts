import { membershipIn, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import * as evidence from '#server/repositories/evidence.ts'
import { ZId, parseInput } from './schemas.ts'

/** An uploaded evidence file, for any member of its workspace (and, when given, only through that workspace); NOT_FOUND for everyone else. */
export async function downloadEvidence(actor: Actor, input: { evidenceId: string; workspaceId?: string }) {
  const evidenceId = parseInput(ZId, input.evidenceId)
  const file = await evidence.findFile(db, evidenceId)
  if (!file || !membershipIn(actor, file.workspace_id) || (input.workspaceId && input.workspaceId !== file.workspace_id)) throw new AppError('NOT_FOUND', 'No such file', { i18n: { key: 'errors.notFound' } })
  return { fileName: file.file_name ?? 'evidence', contentType: file.content_type ?? 'application/octet-stream', data: file.data }
}

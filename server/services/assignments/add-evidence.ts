import { requireAssignmentWrite, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import { AppError } from '#server/errors.ts'
import { recordActivity } from '#server/repositories/activity.ts'
import * as assignments from '#server/repositories/assignments.ts'
import * as evidence from '#server/repositories/evidence.ts'
import { ALLOWED_EXTENSIONS, MAX_EVIDENCE_BYTES, sniffEvidence } from './file-types.ts'
import { readItem } from './read-item.ts'
import { parseInput, ZAddEvidence, type TAddEvidence } from './schemas.ts'
import { conflictError, lockCurrent, snapshot } from './shared.ts'

/**
 * Adds a link or an uploaded file (PDF, Word, Excel, PowerPoint,
 * OpenDocument, images; at most 20 MB; checked by extension and by its first
 * bytes) to an assignment's evidence. Files are stored in PostgreSQL
 * (evidence_file) so they are backed up with the data. Counts as a change of
 * the assignment: version + 1, one history and one activity row.
 */
export async function addEvidence(actor: Actor, rawInput: TAddEvidence) {
  const input = parseInput(ZAddEvidence, rawInput)
  let file: { name: string; data: Buffer; contentType: string } | undefined
  if ('file' in input) {
    const rawName = input.file.name.replace(/[\\/]/g, '_')
    // Control characters have no place in a file name (nor in a Content-Disposition header).
    const name = [...rawName].filter((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f).join('')
    if (input.file.data.length > MAX_EVIDENCE_BYTES) {
      throw new AppError('BAD_REQUEST', 'file: the file is larger than 20 MB', { field: 'file', i18n: { key: 'assignments:errors.fileTooLarge' } })
    }
    if (input.file.data.length === 0) {
      throw new AppError('BAD_REQUEST', 'file: the file is empty', { field: 'file', i18n: { key: 'assignments:errors.fileEmpty' } })
    }
    const contentType = sniffEvidence(name, input.file.data)
    if (!contentType) {
      throw new AppError('BAD_REQUEST', `file: this type of file is not accepted (allowed: ${ALLOWED_EXTENSIONS.join(', ')})`, {
        field: 'file',
        i18n: { key: 'assignments:errors.fileType', values: { allowed: ALLOWED_EXTENSIONS.join(', ') } },
      })
    }
    file = { name, data: input.file.data, contentType }
  }
  return db.transaction().execute(async (trx) => {
    const { current, checkVersion } = await lockCurrent(trx, actor, input.assignmentId, input.version)
    requireAssignmentWrite(actor, { workspaceId: current.workspaceId, assigneeKind: current.assigneeKind, countryId: current.countryId, organisationId: current.organisationId })
    checkVersion()
    if (current.status === 'completed' && actor.memberships.find((m) => m.workspaceId === current.workspaceId)?.role !== 'secretariat') {
      throw new AppError('BAD_REQUEST', 'status: this assignment is completed; the secretariat must reopen it before it changes again', {
        field: 'status',
        i18n: { key: 'assignments:errors.completedLocked' },
      })
    }
    const next = await assignments.updateIfVersion(trx, current.id, input.version, {}, actor.userId)
    if (!next) throw conflictError(current)
    const added = file
      ? await evidence.insertFile(trx, { assignmentId: current.id, fileName: file.name, contentType: file.contentType, data: file.data, createdBy: actor.userId })
      : await evidence.insertLink(trx, { assignmentId: current.id, url: 'url' in input ? input.url : '', createdBy: actor.userId })
    const label = added.kind === 'file' ? (added.file_name ?? '') : (added.url ?? '')
    await assignments.insertHistory(trx, {
      assignmentId: current.id,
      actorId: actor.userId,
      action: 'evidence',
      fromStatus: current.status,
      toStatus: current.status,
      note: label,
      version: next.version,
    })
    await recordActivity(trx, {
      workspaceId: current.workspaceId,
      actorId: actor.userId,
      action: 'assignment.evidence',
      subjectType: 'assignment',
      subjectId: current.id,
      before: snapshot(current),
      after: {
        ...snapshot({ status: next.status, progressNote: next.progress_note, version: next.version }),
        evidence: { id: added.id, kind: added.kind, url: added.url, fileName: added.file_name, contentType: added.content_type, sizeBytes: added.size_bytes },
      },
    })
    return { assignment: await readItem(trx, current.id), evidence: { id: added.id, kind: added.kind, url: added.url, fileName: added.file_name, contentType: added.content_type, sizeBytes: added.size_bytes, createdAt: added.created_at.toISOString() } }
  })
}

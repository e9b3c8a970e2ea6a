import { can, membershipIn, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'
import * as assignments from '#server/repositories/assignments.ts'
import { toItem } from './present.ts'
import { parseInput, ZGetAssignment, type TGetAssignment } from './schemas.ts'
import { notFound } from './shared.ts'
import { allowedTransitions, standingOf } from './transitions.ts'

/**
 * assignment.get: the list item's fields plus the task (with its place in
 * the plan), the progress note, evidence, history (newest first) and
 * comments (oldest first). A fixed number of queries. Also what the caller
 * may do with it (`allowedTransitions`, `can`), so pages offer only that.
 */
export async function getAssignment(actor: Actor, rawInput: TGetAssignment, options: { asOf?: Date } = {}) {
  const input = parseInput(ZGetAssignment, rawInput)
  // One statement: the row with its plan path, evidence, history and comments.
  const row = await assignments.findDetailWithRelations(db, input.assignmentId, options.asOf)
  if (!row || !membershipIn(actor, row.workspace_id)) throw notFound()
  const target = { workspaceId: row.workspace_id, assigneeKind: row.assignee_kind, countryId: row.country_id, organisationId: row.organisation_id }
  const standing = standingOf(actor, target)
  return {
    ...toItem(row),
    workspaceId: row.workspace_id,
    assigneeKind: row.assignee_kind,
    country: row.country_code ? { code: row.country_code.trim(), name: { es: row.name_es ?? '', pt: row.name_pt ?? '', en: row.name_en ?? '' } } : null,
    organisation: row.organisation_code ? { code: row.organisation_code, name: row.organisation_name ?? '' } : null,
    period: row.period,
    progressNote: row.progress_note,
    updatedByName: row.updated_by_name,
    task: {
      id: row.task_id,
      code: row.task_code,
      title: row.task_title,
      description: row.description,
      leadKind: row.lead_kind,
      startDate: row.start_date,
      dueDate: row.task_due_date,
      priority: row.priority,
      path: row.path.map((p) => ({ id: p.id, kind: p.kind, code: p.code, title: p.title })),
    },
    evidence: row.evidence.map((e) => ({
      id: e.id,
      kind: e.kind,
      url: e.url,
      fileName: e.file_name,
      contentType: e.content_type,
      sizeBytes: e.size_bytes,
      createdAt: iso(e.created_at),
      createdByName: e.created_by_name,
    })),
    history: row.history.map((h) => ({
      id: h.id,
      action: h.action,
      fromStatus: h.from_status,
      toStatus: h.to_status,
      note: h.note,
      version: h.version,
      at: iso(h.at),
      actorName: h.actor_name,
    })),
    comments: row.comments.map((c) => ({ id: c.id, body: c.body, authorId: c.author_id, authorName: c.author_name, createdAt: iso(c.created_at) })),
    allowedTransitions: allowedTransitions(standing, row.status).map((t) => ({ to: t.to, action: t.action, needs: t.needs, via: t.via })),
    can: {
      update: standing !== 'none' && (row.status !== 'completed' || standing === 'secretariat'),
      verify: can(actor, 'verify:assignment', row.workspace_id),
      comment: can(actor, 'comment:assignment', row.workspace_id),
    },
  }
}

/** A timestamp read inside a JSON array is PostgreSQL's text (`…+00:00`); the API gives `…Z` with milliseconds. */
function iso(value: Date | string): string {
  return new Date(value).toISOString()
}

export type AssignmentDetail = Awaited<ReturnType<typeof getAssignment>>

// Server-only: the Remix compiler leaves `*.server.ts` modules out of the browser bundle.
import type { z } from 'zod'
import { AppError, isAppError } from '#server/errors.ts'

export { getTask } from '#server/services/tasks/get-task.ts'
export { assignTask } from '#server/services/tasks/assign-task.ts'
export { ZAssignTask } from '#server/services/tasks/schemas.ts'
export { createPlanItem } from '#server/services/plan-editing/create-plan-item.ts'
export { updatePlanItem } from '#server/services/plan-editing/update-plan-item.ts'
export { movePlanItem } from '#server/services/plan-editing/move-plan-item.ts'
export { archivePlanItem } from '#server/services/plan-editing/archive-plan-item.ts'
export { restorePlanItem } from '#server/services/plan-editing/restore-plan-item.ts'
export { getPlanForEditing } from '#server/services/plan-editing/get-plan-for-editing.ts'
export { ZCreatePlanItem, ZMovePlanItem, ZPlanItemRef, ZUpdatePlanItem } from '#server/services/plan-editing/schemas.ts'
export { listActivity } from '#server/services/activity/list-activity.ts'
export { exportActivityCsv } from '#server/services/activity/export-activity-csv.ts'
export { searchWorkspace } from '#server/services/search/search-workspace.ts'

/** A refused form as the page shows it: a translation key with its values, the field to mark, and the words as a fallback. */
export interface PageError {
  key: string
  values?: Record<string, unknown>
  field?: string
  message: string
  conflict?: { by: string; at: string }
}

/**
 * Parses a form with a zod schema; the first problem becomes a BAD_REQUEST
 * naming the field (shown next to it, in the reader's language).
 */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.join('.') || undefined
  throw new AppError('BAD_REQUEST', `${field ? `${field}: ` : ''}${issue?.message ?? 'Invalid input'}`, {
    field,
    i18n: { key: 'tasks:errors.invalid', values: { field: field ?? '' } },
  })
}

/**
 * A service's refusal, for the page: BAD_REQUEST and CONFLICT come back to
 * the form (status 400/409) with what the user typed; NOT_FOUND and
 * FORBIDDEN become the error page (404/403); anything else is re-thrown and
 * logged as a 500 with its request id.
 */
export function pageErrorOf(error: unknown): { status: number; error: PageError } {
  if (!isAppError(error)) throw error
  if (error.code === 'NOT_FOUND') throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
  if (error.code === 'FORBIDDEN') throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  if (error.code !== 'BAD_REQUEST' && error.code !== 'CONFLICT') throw error
  const conflict = error.details.conflict
  return {
    status: error.code === 'CONFLICT' ? 409 : 400,
    error: {
      key: error.details.i18n?.key ?? 'tasks:errors.invalid',
      values: error.details.i18n?.values ?? { field: error.details.field ?? '' },
      field: error.details.field,
      message: error.message,
      ...(conflict ? { conflict } : {}),
    },
  }
}

/** For loaders: a refusal is an error page. */
export function throwAsResponse(error: unknown): never {
  if (isAppError(error) && error.code === 'BAD_REQUEST') throw new Response(error.message, { status: 400, statusText: 'Bad Request' })
  pageErrorOf(error)
  throw error
}

export function formText(form: FormData, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}

/** An optional form value: blank is undefined (keep), or null when `blankIsNull` (clear). */
export function optionalText(form: FormData, name: string, blankIsNull = false): string | null | undefined {
  if (!form.has(name)) return undefined
  const value = formText(form, name).trim()
  return value === '' ? (blankIsNull ? null : undefined) : value
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

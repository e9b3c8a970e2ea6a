import { isAppError, type AppError } from '#server/errors.ts'

/** What a page shows for a refused form: a translation key, its values, and the field to mark. */
export interface FormError {
  key: string
  values?: Record<string, unknown>
  field?: string
}

/**
 * Turns a service's AppError into a form message. NOT_FOUND about the
 * workspace and FORBIDDEN become error pages (thrown Responses: 404 / 403);
 * anything that is not an AppError is re-thrown (a 500 with the request id).
 */
export function formErrorOf(error: unknown): { status: number; error: FormError } {
  if (!isAppError(error)) throw error
  const e: AppError = error
  if (e.code === 'FORBIDDEN') throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  const key = e.details.i18n?.key
  if (e.code === 'NOT_FOUND' && !key?.startsWith('admin:')) throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
  if (e.code === 'TOO_MANY_REQUESTS') {
    const seconds = Number(e.details.retryAfterSeconds ?? 60)
    const count = Math.max(1, Math.ceil(seconds / 60))
    return { status: 429, error: { key: key?.startsWith('admin:') ? key : 'admin:errors.tooMany', values: { count } } }
  }
  const status = { BAD_REQUEST: 400, CONFLICT: 409, NOT_FOUND: 404, UNAUTHORIZED: 401, INTERNAL_SERVER_ERROR: 500 }[e.code] ?? 400
  return { status, error: { key: key ?? 'admin:errors.invalid', values: e.details.i18n?.values, field: e.details.field } }
}

export function formString(form: FormData, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}

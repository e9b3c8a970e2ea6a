/**
 * Domain errors. Services throw AppError and never know about HTTP or tRPC;
 * the tRPC error formatter and the Remix helpers translate the codes.
 */
export type AppErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'

export interface AppErrorDetails {
  /** The input field a BAD_REQUEST is about. */
  field?: string
  /** Who changed the object and when, for a CONFLICT. */
  conflict?: { by: string; at: string }
  /** Seconds until a throttled caller may try again. */
  retryAfterSeconds?: number
  /** Translation key and values, so the message can be given in the caller's language. */
  i18n?: { key: string; values?: Record<string, unknown> }
  /** Anything else a caller can act on (e.g. the allowed next statuses). */
  [key: string]: unknown
}

export class AppError extends Error {
  constructor(
    public readonly code: AppErrorCode,
    message: string,
    public readonly details: AppErrorDetails = {},
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError
}

import { initTRPC, TRPCError } from '@trpc/server'
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/unstable-core-do-not-import'
import { ZodError } from 'zod'
import type { AppLocale } from '#app/i18n/config.ts'
import type { Actor } from './authz.ts'
import { AppError } from './errors.ts'
import { translator } from './i18n.ts'

export interface TrpcContext {
  actor: Actor | null
  requestId: string
  locale: AppLocale
  /** A Bearer token was sent but is not valid (revoked, unknown). */
  invalidToken: boolean
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause
    const data: Record<string, unknown> = { ...shape.data, requestId: ctx?.requestId }
    delete data.stack
    let message = shape.message
    if (cause instanceof AppError) {
      const { i18n, ...details } = cause.details
      Object.assign(data, details)
      if (i18n && ctx) message = translator(ctx.locale)(i18n.key, { ...i18n.values, ns: 'errors', defaultValue: cause.message })
    } else if (cause instanceof ZodError) {
      const first = cause.issues[0]
      const field = first?.path.join('.')
      if (field) data.field = field
      message = first ? `${field ? `${field}: ` : ''}${first.message}` : 'Invalid input'
    } else if (error.code === 'INTERNAL_SERVER_ERROR') {
      message = `Internal error (request ${ctx?.requestId ?? 'unknown'})`
    }
    return { ...shape, message, data }
  },
})

/** AppError from services becomes the TRPCError of the same code. */
const translateErrors = t.middleware(async ({ next }) => {
  const result = await next()
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause
    throw new TRPCError({ code: cause.code as TRPC_ERROR_CODE_KEY, message: cause.message, cause })
  }
  return result
})

const logUnexpected = t.middleware(async ({ next, ctx, path }) => {
  const result = await next()
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && !(result.error.cause instanceof AppError)) {
    console.error(`[${ctx.requestId}] ${path} failed:`, result.error.cause ?? result.error)
  }
  return result
})

export const router = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure.use(logUnexpected).use(translateErrors)

/** Any signed-in caller (session or token). */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: ctx.invalidToken ? 'This API token is not valid (revoked, expired or unknown)' : 'Sign in first: no session or API token',
    })
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } })
})

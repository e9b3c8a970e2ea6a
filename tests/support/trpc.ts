import { TRPCError } from '@trpc/server'
import { expect } from 'vitest'
import { ZodError } from 'zod'

/** The field an error is about, as the tRPC error formatter reports it (service AppError or zod input error). */
function fieldOf(error: TRPCError): string | undefined {
  const cause = error.cause
  if (cause instanceof ZodError) return cause.issues[0]?.path.join('.')
  return (cause as { details?: { field?: string } } | undefined)?.details?.field
}

/** Expects a procedure call to fail with this tRPC code (and about this field, if given); returns the error. */
export async function expectError(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TRPCError)
  expect((error as TRPCError).code).toBe(code)
  if (field) expect(fieldOf(error as TRPCError)).toBe(field)
  return error as TRPCError
}

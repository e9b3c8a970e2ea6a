import type { z } from 'zod'
import { AppError } from '#server/errors.ts'

/**
 * Parses input with a zod schema; the first problem becomes a BAD_REQUEST
 * naming the field. Schemas of the member, invitation and reset services
 * word their messages as translation keys (`admin:errors.…`), carried in
 * details.i18n so a page can show them in the reader's language.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.join('.') || undefined
  const message = issue?.message ?? 'Invalid input'
  const isKey = /^[a-z]+:[A-Za-z.]+$/.test(message)
  throw new AppError('BAD_REQUEST', isKey ? `${field ?? 'input'} is not valid` : `${field ? `${field}: ` : ''}${message}`, {
    field,
    i18n: { key: isKey ? message : 'admin:errors.invalid' },
  })
}

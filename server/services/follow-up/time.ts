import { z } from 'zod'

/**
 * `--as-of` and every rule's clock. An ISO 8601 instant, or a bare
 * `YYYY-MM-DD`, which means 12:00 UTC that day (the same calendar day
 * everywhere in the Americas).
 */
export const ZAsOf = z
  .string()
  .trim()
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v), {
    message: 'must be an ISO 8601 instant such as 2027-03-01T09:00:00Z, or a date YYYY-MM-DD',
  })
  .transform((v, ctx) => {
    const bare = /^\d{4}-\d{2}-\d{2}$/.test(v)
    const date = new Date(bare ? `${v}T12:00:00Z` : v)
    if (Number.isNaN(date.getTime()) || (bare && date.toISOString().slice(0, 10) !== v)) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date' })
      return z.NEVER
    }
    return date
  })

export function parseAsOf(value: string): Date {
  return ZAsOf.parse(value)
}

/** The calendar day (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant)
}

/** Whole days from `a` to `b` (calendar dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)
}

// Building an Intl.DateTimeFormat costs far more than using one: the sweeps format thousands of dates.
const dateFormats = new Map<string, Intl.DateTimeFormat>()

export function formatDate(date: string, locale: string): string {
  const tag = locale === 'en' ? 'en-GB' : locale === 'pt' ? 'pt-BR' : 'es'
  let format = dateFormats.get(tag)
  if (!format) {
    format = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    dateFormats.set(tag, format)
  }
  return format.format(new Date(`${date}T00:00:00Z`))
}

import { z } from 'zod'
import { ZCalendarDate } from '#server/services/plan-editing/schemas.ts'

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), schema.optional())

/** The activity page's filters, as they appear in its URL. */
export const ZActivityFilters = z
  .object({
    workspaceId: z.uuid(),
    actorId: optional(z.uuid({ error: 'Choose a person from the list' })),
    action: optional(z.string().max(100)),
    subjectType: optional(z.string().max(100)),
    from: optional(ZCalendarDate),
    to: optional(ZCalendarDate),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'The end of the date range may not be before its start', path: ['to'] })
export type TActivityFilters = z.infer<typeof ZActivityFilters>

export const ZListActivity = ZActivityFilters.and(
  z.object({
    cursor: optional(z.string().max(200)),
    limit: z.number().int().min(1).max(200).default(50),
  }),
)
export type TListActivity = z.input<typeof ZListActivity>

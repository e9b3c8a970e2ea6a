import { z } from 'zod'

/** Input of the plan editing procedures (planItem.*) and of the plan editor's forms. */

export const ZCalendarDate = z.iso.date({ error: 'Use a date in the form YYYY-MM-DD' })
export const ZLeadKind = z.enum(['all_countries', 'secretariat', 'country', 'organisation'])
export const ZPriority = z.enum(['low', 'normal', 'high'])
export const ZRecurrenceMonths = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(6), z.literal(12)], {
  error: 'Recurrence must be every 1, 2, 3, 4, 6 or 12 months',
})
export const ZCountryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'A country code is two letters, e.g. AR'))
export const ZOrganisationCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9-]{2,20}$/, 'An organisation code is 2 to 20 letters, digits or dashes, e.g. IOM'))
export const ZTitle = z.string().trim().min(1, 'The title may not be empty').max(2000, 'The title may be at most 2000 characters')

/** The fields only tasks have. All optional: on create, defaults apply; on update, what is missing is kept. */
export const ZTaskFields = z.object({
  description: z.string().max(20000, 'The description may be at most 20000 characters').optional(),
  leadKind: ZLeadKind.optional(),
  /** Required when leadKind is 'country'. */
  leadCountryCode: ZCountryCode.nullable().optional(),
  /** Required when leadKind is 'organisation'. */
  leadOrganisationCode: ZOrganisationCode.nullable().optional(),
  /** Supporting partners (organisation codes); replaces the list. */
  partnerCodes: z.array(ZOrganisationCode).max(50).optional(),
  startDate: ZCalendarDate.nullable().optional(),
  dueDate: ZCalendarDate.nullable().optional(),
  priority: ZPriority.optional(),
  recurrenceMonths: ZRecurrenceMonths.nullable().optional(),
})
export type TTaskFields = z.infer<typeof ZTaskFields>

export const ZCreatePlanItem = ZTaskFields.extend({
  workspaceId: z.uuid(),
  /** Null: a general objective at the top of the plan. The kind follows from the parent's. */
  parentId: z.uuid().nullable(),
  title: ZTitle,
  /** 1-based place among the active siblings; default: last. */
  position: z.number().int().min(1).optional(),
})
export type TCreatePlanItem = z.infer<typeof ZCreatePlanItem>

export const ZUpdatePlanItem = ZTaskFields.extend({
  id: z.uuid(),
  /** The version the edit was based on; a stale one is refused with CONFLICT. */
  version: z.number().int().min(1),
  title: ZTitle.optional(),
})
export type TUpdatePlanItem = z.infer<typeof ZUpdatePlanItem>

export const ZMovePlanItem = z
  .object({
    id: z.uuid(),
    direction: z.enum(['up', 'down']).optional(),
    /** 1-based place among the active siblings (beyond the end: last). */
    position: z.number().int().min(1).optional(),
  })
  .refine((v) => (v.direction === undefined) !== (v.position === undefined), {
    message: 'Give either a direction (up or down) or a position',
    path: ['position'],
  })
export type TMovePlanItem = z.infer<typeof ZMovePlanItem>

export const ZPlanItemRef = z.object({ id: z.uuid() })
export type TPlanItemRef = z.infer<typeof ZPlanItemRef>

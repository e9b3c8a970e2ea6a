import { z } from 'zod'
import { AppError } from '#server/errors.ts'
import { STATUSES } from './transitions.ts'

/** Input schemas of the assignment procedures and pages (ZName / TName). */
export const ZId = z.guid({ message: 'must be an id' })
export const ZStatus = z.enum(STATUSES as [string, ...string[]] as ['not_started', 'in_progress', 'blocked', 'submitted', 'completed', 'not_applicable'])
const ZVersion = z.number({ message: 'must be the version number you saw' }).int().min(1)

export const MAX_COMMENT = 10_000
export const MAX_NOTE = 20_000

export function isHttpUrl(value: string) {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && !!url.hostname
  } catch {
    return false
  }
}

export const ZHttpUrl = z
  .string()
  .trim()
  .max(2000, { message: 'must be at most 2,000 characters' })
  .refine(isHttpUrl, { message: 'must be a web address starting with http:// or https://' })

const ZCalendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' }).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), {
  message: 'must be a real date',
})

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).max(50)])

export const ZListAssignments = z
  .object({
    workspaceId: ZId,
    countryCode: oneOrMany(z.string().regex(/^[A-Z]{2}$/, { message: 'must be a two-letter country code' })).optional(),
    status: oneOrMany(ZStatus).optional(),
    objectiveCode: z.string().regex(/^[0-9]+(\.[0-9]+){0,3}$/, { message: 'must be a plan code such as 1.2' }).optional(),
    overdue: z.boolean().optional(),
    dueFrom: ZCalendarDate.optional(),
    dueTo: ZCalendarDate.optional(),
    /** Added (optional): who leads the task — all_countries, secretariat, country:XX or organisation:CODE. */
    lead: z.string().regex(/^(all_countries|secretariat|country:[A-Z]{2}|organisation:[A-Z0-9-]{2,20})$/, { message: 'must be all_countries, secretariat, country:XX or organisation:CODE' }).optional(),
    cursor: z.string().max(400).optional(),
    limit: z.number().int().min(1, { message: 'must be between 1 and 100' }).max(100, { message: 'must be between 1 and 100' }).optional(),
  })
  .refine((v) => !v.dueFrom || !v.dueTo || v.dueFrom <= v.dueTo, { message: 'must not be after dueTo', path: ['dueFrom'] })
export type TListAssignments = z.infer<typeof ZListAssignments>

export const ZGetAssignment = z.object({ assignmentId: ZId })
export type TGetAssignment = z.infer<typeof ZGetAssignment>

export const ZUpdateAssignment = z.object({
  assignmentId: ZId,
  version: ZVersion,
  status: ZStatus.optional(),
  progressNote: z.string().max(MAX_NOTE, { message: `must be at most ${MAX_NOTE.toLocaleString('en')} characters` }).optional(),
  evidenceUrl: ZHttpUrl.optional(),
  /** Added (optional): the comment a reopen needs; kept as a comment on the assignment. */
  comment: z.string().max(MAX_COMMENT, { message: `must be at most ${MAX_COMMENT.toLocaleString('en')} characters` }).optional(),
})
export type TUpdateAssignment = z.infer<typeof ZUpdateAssignment>

export const ZVerifyAssignment = z.object({ assignmentId: ZId, version: ZVersion })
export type TVerifyAssignment = z.infer<typeof ZVerifyAssignment>

export const ZCommentBody = z
  .string()
  .max(MAX_COMMENT, { message: `must be at most ${MAX_COMMENT.toLocaleString('en')} characters` })
  .refine((s) => s.trim().length > 0, { message: 'must not be empty' })

export const ZReturnAssignment = z.object({ assignmentId: ZId, version: ZVersion, comment: ZCommentBody })
export type TReturnAssignment = z.infer<typeof ZReturnAssignment>

export const ZAddComment = z.object({ assignmentId: ZId, body: ZCommentBody })
export type TAddComment = z.infer<typeof ZAddComment>

export const ZAddEvidence = z.union([
  z.object({ assignmentId: ZId, version: ZVersion, url: ZHttpUrl }),
  z.object({
    assignmentId: ZId,
    version: ZVersion,
    file: z.object({ name: z.string().trim().min(1, { message: 'must have a name' }).max(255), data: z.instanceof(Buffer) }),
  }),
])
export type TAddEvidence = z.infer<typeof ZAddEvidence>

/**
 * Services validate their own input too (Remix actions call them directly):
 * the first problem becomes BAD_REQUEST naming the field, before anything is written.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.join('.') || undefined
  throw new AppError('BAD_REQUEST', `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid input'}`, { field })
}

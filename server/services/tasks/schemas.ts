import { z } from 'zod'
import { ZCalendarDate } from '#server/services/plan-editing/schemas.ts'

// Codes are checked against the workspace's member states by the service, so
// that an unknown one is reported by name rather than as a pattern mismatch.
const ZCodeLike = z.string().trim().min(1).max(10).transform((s) => s.toUpperCase())

/** task.assign — shape fixed by shared/API.md. */
export const ZAssignTask = z.object({
  taskId: z.uuid(),
  countryCodes: z.array(ZCodeLike).max(100),
  dueDate: ZCalendarDate,
  /** A country code → its own due date; the others get dueDate. */
  dueDates: z.record(z.string(), ZCalendarDate).optional(),
})
export type TAssignTask = z.infer<typeof ZAssignTask>

export const ZGetTask = z.object({ taskId: z.uuid() })
export type TGetTask = z.infer<typeof ZGetTask>

import { assignTask } from '#server/services/tasks/assign-task.ts'
import { getTask } from '#server/services/tasks/get-task.ts'
import { ZAssignTask, ZGetTask } from '#server/services/tasks/schemas.ts'
import { authedProcedure, router } from '../trpc.ts'

export const taskRouter = router({
  /** shared/API.md: `{ taskId, countryCodes, dueDate, dueDates? }` → the task's assignments for those countries. */
  assign: authedProcedure.input(ZAssignTask).mutation(({ ctx, input }) => assignTask(ctx.actor, input)),
  get: authedProcedure.input(ZGetTask).query(({ ctx, input }) => getTask(ctx.actor, input)),
})

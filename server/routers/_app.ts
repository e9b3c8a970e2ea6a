import { router } from '../trpc.ts'
import { assignmentRouter } from './assignment.ts'
import { authRouter } from './auth.ts'
import { commentRouter } from './comment.ts'
import { healthRouter } from './health.ts'
import { planRouter } from './plan.ts'
import { planItemRouter } from './plan-item.ts'
import { taskRouter } from './task.ts'
import { workspaceRouter } from './workspace.ts'

/**
 * The API. Each procedure only wires: parse input, call one service.
 * Names and shapes listed in shared/API.md never change.
 */
export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  workspace: workspaceRouter,
  plan: planRouter,
  planItem: planItemRouter,
  task: taskRouter,
  assignment: assignmentRouter,
  comment: commentRouter,
})

export type AppRouter = typeof appRouter

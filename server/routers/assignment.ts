import { getAssignment } from '#server/services/assignments/get-assignment.ts'
import { listAssignments } from '#server/services/assignments/list-assignments.ts'
import { returnAssignment } from '#server/services/assignments/return-assignment.ts'
import {
  ZGetAssignment,
  ZListAssignments,
  ZReturnAssignment,
  ZUpdateAssignment,
  ZVerifyAssignment,
} from '#server/services/assignments/schemas.ts'
import { updateAssignment } from '#server/services/assignments/update-assignment.ts'
import { verifyAssignment } from '#server/services/assignments/verify-assignment.ts'
import { authedProcedure, router } from '../trpc.ts'

export const assignmentRouter = router({
  list: authedProcedure.input(ZListAssignments).query(({ ctx, input }) => listAssignments(ctx.actor, input)),
  get: authedProcedure.input(ZGetAssignment).query(({ ctx, input }) => getAssignment(ctx.actor, input)),
  update: authedProcedure.input(ZUpdateAssignment).mutation(({ ctx, input }) => updateAssignment(ctx.actor, input)),
  verify: authedProcedure.input(ZVerifyAssignment).mutation(({ ctx, input }) => verifyAssignment(ctx.actor, input)),
  return: authedProcedure.input(ZReturnAssignment).mutation(({ ctx, input }) => returnAssignment(ctx.actor, input)),
})

import { addComment } from '#server/services/assignments/add-comment.ts'
import { ZAddComment } from '#server/services/assignments/schemas.ts'
import { authedProcedure, router } from '../trpc.ts'

export const commentRouter = router({
  add: authedProcedure.input(ZAddComment).mutation(({ ctx, input }) => addComment(ctx.actor, input)),
})

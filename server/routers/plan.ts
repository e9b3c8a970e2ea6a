import { getPlanTree, ZGetPlanTree } from '#server/services/plan/get-plan-tree.ts'
import { authedProcedure, router } from '../trpc.ts'

export const planRouter = router({
  tree: authedProcedure.input(ZGetPlanTree).query(({ ctx, input }) => getPlanTree(ctx.actor, input)),
})

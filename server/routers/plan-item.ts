import { archivePlanItem } from '#server/services/plan-editing/archive-plan-item.ts'
import { createPlanItem } from '#server/services/plan-editing/create-plan-item.ts'
import { movePlanItem } from '#server/services/plan-editing/move-plan-item.ts'
import { restorePlanItem } from '#server/services/plan-editing/restore-plan-item.ts'
import { ZCreatePlanItem, ZMovePlanItem, ZPlanItemRef, ZUpdatePlanItem } from '#server/services/plan-editing/schemas.ts'
import { updatePlanItem } from '#server/services/plan-editing/update-plan-item.ts'
import { authedProcedure, router } from '../trpc.ts'

/** Editing the plan (secretariat only): objectives, action lines and tasks. */
export const planItemRouter = router({
  create: authedProcedure.input(ZCreatePlanItem).mutation(({ ctx, input }) => createPlanItem(ctx.actor, input)),
  update: authedProcedure.input(ZUpdatePlanItem).mutation(({ ctx, input }) => updatePlanItem(ctx.actor, input)),
  move: authedProcedure.input(ZMovePlanItem).mutation(({ ctx, input }) => movePlanItem(ctx.actor, input)),
  archive: authedProcedure.input(ZPlanItemRef).mutation(({ ctx, input }) => archivePlanItem(ctx.actor, input)),
  restore: authedProcedure.input(ZPlanItemRef).mutation(({ ctx, input }) => restorePlanItem(ctx.actor, input)),
})

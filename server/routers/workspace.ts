import { listWorkspaces } from '../services/auth/list-workspaces.ts'
import { authedProcedure, router } from '../trpc.ts'

export const workspaceRouter = router({
  list: authedProcedure.query(({ ctx }) => listWorkspaces(ctx.actor)),
})

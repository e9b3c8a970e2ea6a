import { getMe } from '../services/auth/get-me.ts'
import { authedProcedure, router } from '../trpc.ts'

export const authRouter = router({
  me: authedProcedure.query(({ ctx }) => getMe(ctx.actor)),
})

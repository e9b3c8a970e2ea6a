import { router } from '../trpc.ts'

export const commentRouter = router({})

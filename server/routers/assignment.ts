import { router } from '../trpc.ts'

export const assignmentRouter = router({})

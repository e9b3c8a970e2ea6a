// Server-only: the Remix compiler leaves `*.server.ts` modules out of the browser bundle.
export { isAppError } from '#server/errors.ts'
export { getPlanTree } from '#server/services/plan/get-plan-tree.ts'
export { getPlanOutline } from '#server/services/plan/get-plan-outline.ts'
export { getPlanNode } from '#server/services/plan/get-plan-node.ts'

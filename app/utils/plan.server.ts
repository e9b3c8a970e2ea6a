// Server-only: the Remix compiler leaves `*.server.ts` modules out of the browser bundle.
export { getPlanTree } from '#server/services/plan/get-plan-tree.ts'

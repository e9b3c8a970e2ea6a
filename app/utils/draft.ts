/** What a form held when its session had expired (see server/auth/form-draft.ts). */
export type Draft = Record<string, string | string[]>

/** One field of a restored draft, as a string (used while rendering, so not in a `.server` module). */
export function draftValue(draft: Draft | null | undefined, name: string): string | undefined {
  const value = draft?.[name]
  return Array.isArray(value) ? value[0] : value
}

import { z } from 'zod'
import { db } from '#server/db.ts'
import { requireMember, type Actor } from '#server/authz.ts'
import { AppError } from '#server/errors.ts'
import { MATCH_END, MATCH_START, searchWorkspace as searchRows, type SearchHitRow } from '#server/repositories/search.ts'

export const ZSearch = z.object({
  workspaceId: z.uuid(),
  q: z.string().max(200, 'Search for at most 200 characters'),
  limit: z.number().int().min(1).max(100).default(50),
})
export type TSearch = z.input<typeof ZSearch>

/**
 * Turns what a person typed into a to_tsquery expression: every word must
 * occur, each also as the start of a longer word ("migra" finds
 * "migración"). Only letters and digits pass, so no input can break the
 * query syntax. Null when nothing searchable is left.
 */
export function toPrefixQuery(text: string): string | null {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []
  const kept = [...new Set(words.map((w) => w.toLowerCase().slice(0, 60)))].slice(0, 12)
  return kept.length ? kept.map((w) => `${w}:*`).join(' & ') : null
}

export interface SearchHit extends Omit<SearchHitRow, 'at' | 'snippet'> {
  at: string | null
  /** The snippet in pieces; `match` pieces are the words that matched. */
  snippet: { text: string; match: boolean }[]
}

function splitSnippet(snippet: string): SearchHit['snippet'] {
  const parts: SearchHit['snippet'] = []
  for (const [i, piece] of snippet.split(MATCH_START).entries()) {
    if (i === 0) {
      if (piece) parts.push({ text: piece, match: false })
      continue
    }
    const [matched, rest = ''] = piece.split(MATCH_END)
    parts.push({ text: matched, match: true })
    if (rest) parts.push({ text: rest, match: false })
  }
  return parts
}

/**
 * Full-text search of one workspace (every member): task titles and
 * descriptions, progress notes and comments, accent-insensitive in Spanish
 * and Portuguese. Archived tasks are left out. Nothing of another workspace
 * is ever searched.
 */
export async function searchWorkspace(actor: Actor, input: TSearch): Promise<{ query: string; hits: SearchHit[] }> {
  const parsed = ZSearch.safeParse(input)
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', parsed.error.issues[0]?.message ?? 'Invalid search', { field: 'q', i18n: { key: 'tasks:search.tooLong' } })
  }
  requireMember(actor, parsed.data.workspaceId)
  const tsquery = toPrefixQuery(parsed.data.q)
  if (!tsquery) return { query: parsed.data.q, hits: [] }
  const rows = await searchRows(db, parsed.data.workspaceId, tsquery, parsed.data.limit)
  return {
    query: parsed.data.q,
    hits: rows.map((r) => ({ ...r, at: r.at ? new Date(r.at).toISOString() : null, snippet: splitSnippet(r.snippet) })),
  }
}

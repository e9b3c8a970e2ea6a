import type { Kysely } from 'kysely'
import type { DB } from '#db/types.ts'

/** The newest local_mail message to an address (the local outbox is where tests read e-mail). */
export async function latestMailTo(db: Kysely<DB>, to: string) {
  return db.selectFrom('local_mail').selectAll().where('to_address', '=', to).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst()
}

/** The first link to `<base>/<pathPrefix>/<token>` in a message's text part, and its token. */
export function linkIn(text: string, pathPrefix: 'invite' | 'reset-password'): { url: string; token: string } {
  const match = new RegExp(`(https?://[^\\s]+/${pathPrefix}/([0-9a-f]{64}))`).exec(text)
  if (!match) throw new Error(`no /${pathPrefix}/ link in:\n${text}`)
  return { url: match[1], token: match[2] }
}

import type { Kysely } from 'kysely'
import type { DB } from '#db/types.ts'

/** A member state's names, for the heading of its focal points' home ("my country"). */
export async function findCountryNames(db: Kysely<DB>, workspaceId: string, code: string) {
  return db
    .selectFrom('country')
    .select(['code', 'name_es', 'name_pt', 'name_en'])
    .where('workspace_id', '=', workspaceId)
    .where('code', '=', code)
    .executeTakeFirst()
}

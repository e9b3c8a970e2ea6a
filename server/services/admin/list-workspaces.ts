import { sql } from 'kysely'
import { authorize, type Actor } from '#server/authz.ts'
import { db } from '#server/db.ts'

/** Every workspace of the instance with its active member count (admin only). */
export async function listWorkspaces(actor: Actor) {
  authorize(actor, 'create:workspace')
  return db
    .selectFrom('workspace as w')
    .leftJoin('membership as m', (join) => join.onRef('m.workspace_id', '=', 'w.id').on('m.deactivated_at', 'is', null))
    .select(['w.id', 'w.slug', 'w.name', 'w.default_locale', 'w.time_zone', 'w.created_at', sql<number>`count(m.id)::int`.as('members')])
    .groupBy('w.id')
    .orderBy('w.created_at', 'desc')
    .execute()
}

import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { db, onQuery } from '#server/db.ts'
import { preparedQuery } from '#server/repositories/prepared.ts'
import { createMember, createWorkspace, type TestWorkspace } from '#tests/factories/index.ts'

/**
 * preparedQuery compiles a query once and afterwards only swaps its
 * arguments: each call must answer for its own arguments, exactly as the
 * query built afresh would, inside a transaction too.
 */
let ws: TestWorkspace
let emails: string[]

beforeAll(async () => {
  ws = await createWorkspace(db, { countries: ['AR', 'BR'] })
  emails = []
  for (const cc of ['AR', 'BR']) {
    const member = await createMember(db, ws, 'focal_point', { countryCode: cc })
    emails.push(member.actor.email)
  }
})

const membersOf = (q: typeof db, workspaceId: string, countryCode: string) =>
  q
    .selectFrom('membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .innerJoin('country as c', 'c.id', 'm.country_id')
    .select(['u.email', sql<string>`${'fixed'}::text`.as('constant')])
    .where('m.workspace_id', '=', workspaceId)
    .where('c.code', '=', countryCode)
    .orderBy('u.email')

describe('preparedQuery', () => {
  it('answers each call for its own arguments, as the freshly built query does, with the SQL compiled once', async () => {
    const prepared = preparedQuery((q, workspaceId: string, countryCode: string) => membersOf(q, workspaceId, countryCode))
    const seen: { sql: string; parameters: readonly unknown[] }[] = []
    const off = onQuery((query) => seen.push(query))
    try {
      for (const cc of ['AR', 'BR', 'AR', 'CL']) {
        expect(await prepared(db, ws.id, cc)).toEqual(await membersOf(db, ws.id, cc).execute())
      }
    } finally {
      off()
    }
    expect((await prepared(db, ws.id, 'AR')).map((r) => r.email)).toEqual([emails[0]])
    expect(await prepared(db, ws.id, 'CL')).toEqual([])
    // The prepared statements send the same SQL and parameters as the built ones.
    for (let i = 0; i < seen.length; i += 2) expect(seen[i]).toMatchObject({ sql: seen[i + 1]!.sql, parameters: seen[i + 1]!.parameters })
    expect(seen[0]!.parameters).toEqual(['fixed', ws.id, 'AR'])
  })

  it('runs inside the transaction it is given', async () => {
    const prepared = preparedQuery((q, email: string) => q.selectFrom('app_user').select('name').where('email', '=', email))
    await db
      .transaction()
      .execute(async (tx) => {
        await tx.updateTable('app_user').set({ name: 'Renamed in the transaction' }).where('email', '=', emails[1]!).execute()
        expect(await prepared(tx, emails[1]!)).toEqual([{ name: 'Renamed in the transaction' }])
        throw new Error('roll back')
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'))
    expect(await prepared(db, emails[1]!)).not.toEqual([{ name: 'Renamed in the transaction' }])
  })

  it('refuses a query that an argument shapes instead of filling', async () => {
    const shaped = preparedQuery((q, limit: number) => q.selectFrom('app_user').select('id').where('email', '=', limit > 1 ? 'many' : 'one'))
    await expect(shaped(db, 2)).rejects.toThrow(/argument 1 is not a parameter of the query/)
  })
})

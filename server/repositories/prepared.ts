import type { Compilable, CompiledQuery, Kysely, Transaction } from 'kysely'
import type { DB } from '#db/types.ts'

type Q = Kysely<DB> | Transaction<DB>

/** Where an argument goes while a prepared query is compiled. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A query whose SQL does not depend on its arguments, built and compiled by
 * Kysely once per process; each call only puts its arguments in the
 * parameter list. For the statements (nearly) every request runs — the
 * session look-up, assignment.get — whose building and compiling cost
 * 50–150 µs of the web process's one thread per request.
 *
 * `build` must use its arguments as values only (`.where('id', '=', id)`,
 * sql`… ${id} …`): never to choose the query's shape, and never looked into.
 * The first call compiles it with stand-ins, and refuses a query in which
 * an argument does not appear as a parameter.
 *
 *   const findUser = preparedQuery((q, id: string) => q.selectFrom('app_user').selectAll().where('id', '=', id))
 *   const user = await findUser(db, userId)
 */
export function preparedQuery<A extends unknown[], O>(build: (q: Q, ...args: A) => Compilable<O>) {
  let compiled: CompiledQuery<O> | undefined
  return async (q: Q, ...args: A): Promise<O[]> => {
    compiled ??= compileWithSlots(q, build, args.length)
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? args[p.index] : p))
    const result = await q.executeQuery<O>({ ...compiled, parameters })
    return result.rows
  }
}

function compileWithSlots<A extends unknown[], O>(q: Q, build: (q: Q, ...args: A) => Compilable<O>, arity: number): CompiledQuery<O> {
  const slots = Array.from({ length: arity }, (_, i) => new Slot(i))
  const compiled = build(q, ...(slots as A)).compile()
  for (const slot of slots) {
    if (!compiled.parameters.includes(slot)) throw new Error(`preparedQuery: argument ${slot.index + 1} is not a parameter of the query (used to shape it?)`)
  }
  return compiled
}

/**
 * One instance per process, even when a module is evaluated twice (dev
 * rebuilds of the Remix bundle re-import app code).
 */
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as { __rutaSingletons?: Map<string, unknown> }
  store.__rutaSingletons ??= new Map()
  if (!store.__rutaSingletons.has(name)) store.__rutaSingletons.set(name, create())
  return store.__rutaSingletons.get(name) as T
}

export function forgetSingleton(name: string) {
  const store = globalThis as unknown as { __rutaSingletons?: Map<string, unknown> }
  store.__rutaSingletons?.delete(name)
}

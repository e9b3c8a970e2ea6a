import type { Actor } from '#server/authz.ts'

/** auth.me: who the caller is and where they belong (active memberships only). */
export function getMe(actor: Actor) {
  return {
    user: { id: actor.userId, email: actor.email, name: actor.name, locale: actor.locale, timeZone: actor.timeZone, isAdmin: actor.isAdmin },
    memberships: actor.memberships.map((m) => ({ workspaceId: m.workspaceId, slug: m.slug, name: m.name, role: m.role, countryCode: m.countryCode })),
  }
}

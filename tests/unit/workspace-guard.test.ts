import type { AppLoadContext } from '@remix-run/node'
import { describe, expect, it } from 'vitest'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import type { Actor } from '#server/authz.ts'

const actor: Actor = {
  userId: '11111111-1111-4111-8111-111111111111',
  email: 'fp.ar@example.org',
  name: 'FP',
  locale: 'es',
  timeZone: 'America/Argentina/Buenos_Aires',
  isAdmin: false,
  via: 'session',
  memberships: [
    { workspaceId: '22222222-2222-4222-8222-222222222222', slug: 'sacm', name: 'SACM', role: 'focal_point', countryId: '33333333-3333-4333-8333-333333333333', countryCode: 'AR', organisationId: null },
  ],
}
const context = (a: Actor | null): AppLoadContext => ({ requestId: 'r', cspNonce: 'n', actor: a, locale: 'es' }) as AppLoadContext

function thrown(fn: () => unknown): Response {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(Response)
    return error as Response
  }
  throw new Error('expected a thrown Response')
}

describe('requireWorkspace', () => {
  it('returns the actor and their membership of the workspace with that slug', () => {
    const { actor: a, membership } = requireWorkspace(context(actor), 'sacm')
    expect(a).toBe(actor)
    expect(membership).toMatchObject({ slug: 'sacm', role: 'focal_point', countryCode: 'AR' })
  })

  it('sends a signed-out caller to sign in with this page (query kept, data and lng parameters dropped) as redirectTo', () => {
    const request = new Request('http://localhost/w/sacm/plan.data?status=blocked&lng=en&_data=routes%2Fw.%24slug.plan')
    const response = thrown(() => requireWorkspace(context(null), 'sacm', request))
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent('/w/sacm/plan?status=blocked')}`)
    expect(thrown(() => requireWorkspace(context(null), 'sacm')).headers.get('location')).toBe('/login')
  })

  it('is 404 for a workspace the caller does not belong to, or that does not exist', () => {
    expect(thrown(() => requireWorkspace(context(actor), 'other')).status).toBe(404)
    expect(thrown(() => requireWorkspace(context(actor), undefined)).status).toBe(404)
  })
})

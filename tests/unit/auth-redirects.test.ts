import { describe, expect, it } from 'vitest'
import { loginUrl, pagePath, safeRedirect } from '#app/utils/auth.server.ts'

describe('safeRedirect', () => {
  it('keeps same-origin paths with their query and fragment', () => {
    expect(safeRedirect('/settings')).toBe('/settings')
    expect(safeRedirect('/w/sacm/plan?objective=1.2#t')).toBe('/w/sacm/plan?objective=1.2#t')
  })

  it.each([
    ['//evil.example'],
    ['///evil.example'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['https://evil.example/'],
    ['http:/evil.example'],
    ['javascript:alert(1)'],
    ['evil.example'],
    ['/\r\n/evil.example'],
    ['/\t/evil.example'],
    ['/login'],
    ['/login?redirectTo=/x'],
    ['/logout'],
    [''],
    [null],
    [42],
    ['/' + 'a'.repeat(2100)],
  ])('refuses %j', (value) => {
    expect(safeRedirect(value)).toBeNull()
  })
})

describe('pagePath and loginUrl', () => {
  it('names the page without Remix internals or the language switch', () => {
    expect(pagePath(new Request('http://x/settings.data?lng=en&tab=2'))).toBe('/settings?tab=2')
    expect(pagePath(new Request('http://x/w/sacm/assignments/1?index'))).toBe('/w/sacm/assignments/1')
    expect(pagePath(new Request('http://x/_root.data'))).toBe('/')
    expect(loginUrl('/settings?tab=2')).toBe('/login?redirectTo=%2Fsettings%3Ftab%3D2')
    expect(loginUrl('/')).toBe('/login')
  })
})

describe('throttle address keys', () => {
  it('keys IPv4 as is and IPv6 by its /64', async () => {
    const { addressKey } = await import('#server/auth/throttle.ts')
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64')
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:0db8:0001:0002::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:0db8:0000:0000::/64')
    expect(addressKey('::1')).toBe('0000:0000:0000:0000::/64')
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0000:0000:0000::/64')
    expect(addressKey(null)).toBe('unknown')
  })
})

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

import { describe, expect, it } from 'vitest'
import { namespaces } from '#app/i18n/resources.ts'

type Tree = { [key: string]: string | Tree }
function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`))).sort()
}

describe('translations', () => {
  for (const [ns, byLocale] of Object.entries(namespaces)) {
    it(`${ns}: Portuguese and English have exactly the Spanish keys, none empty where Spanish is not`, () => {
      const es = keys(byLocale.es as Tree)
      expect(keys(byLocale.pt as Tree)).toEqual(es)
      expect(keys(byLocale.en as Tree)).toEqual(es)
    })
  }
})

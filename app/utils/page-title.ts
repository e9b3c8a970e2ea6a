import type { MetaDescriptor, MetaFunction } from '@remix-run/react'
import type { AppLocale } from '#app/i18n/config.ts'
import { resources, type Namespace } from '#app/i18n/resources.ts'

type Tree = { [key: string]: string | Tree }

/**
 * A meta function giving the page a <title> that says what it is (WCAG 2.4.2),
 * in the reader's language (the root loader's locale): the message `key` of
 * namespace `ns` (its {{placeholders}} filled from `values(data)`), then "· Ruta".
 * `extra` are further meta tags (robots, referrer).
 */
export function titleMeta(
  ns: Namespace,
  key: string,
  options: { values?: (data: unknown) => Record<string, string | undefined>; fallbackKey?: string; extra?: MetaDescriptor[] } = {},
): MetaFunction {
  return ({ matches, data }) => {
    const root = matches.find((m) => m.id === 'root')?.data as { locale?: AppLocale } | undefined
    const messages = resources[root?.locale ?? 'es'][ns]
    const values = data === undefined || data === null ? {} : (options.values?.(data) ?? {})
    const message = (path: string) => {
      let node: string | Tree | undefined = messages
      for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined
      if (typeof node !== 'string') return null
      let missing = false
      const text = node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? ((missing = true), ''))
      return missing ? null : text
    }
    const text = message(key) ?? (options.fallbackKey ? message(options.fallbackKey) : null)
    return [{ title: text ? `${text} · Ruta` : 'Ruta' }, ...(options.extra ?? [])]
  }
}

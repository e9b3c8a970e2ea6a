import { gzipSync } from 'node:zlib'

export interface FrontEndPage {
  name: string
  path: string
  scripts: number
  jsGzipBytes: number
  jsRawBytes: number
  /** Median of the cold loads, ms. */
  lcpMs: number | null
  lcpRunsMs: number[]
  note: string | null
}

export interface FrontEndResult {
  pages: FrontEndPage[]
  error?: string
}

interface PageSpec {
  name: string
  path: string
  /** Tried when `path` answers 404 (a page not built yet under its planned URL). */
  fallbackPath?: string
  cookie: string
}

/** Every script the HTML makes the browser load: modulepreload links, script src, and the inline module's imports. */
export function scriptUrls(html: string): string[] {
  const urls = new Set<string>()
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(m[0])
    if (href) urls.add(href[1])
  }
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(m[1])
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    for (const i of m[1].matchAll(/(?:import\s*(?:[^'"]*?from\s*)?|import\()\s*["']([^"']+\.js)["']/g)) urls.add(i[1])
  }
  return [...urls]
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b)
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null
}

/**
 * JavaScript shipped per page (gzip bytes of every script the page's HTML
 * references, each gzipped on its own as a server would) and Largest
 * Contentful Paint in headless Chromium on loopback (three cold loads, the
 * median).
 */
export async function measureFrontEnd(origin: string, specs: PageSpec[]): Promise<FrontEndResult> {
  const pages: FrontEndPage[] = []
  const resolved: (PageSpec & { ok: boolean })[] = []
  for (const spec of specs) {
    let path = spec.path
    let res = await fetch(origin + path, { headers: { cookie: spec.cookie }, redirect: 'manual' })
    if (res.status === 404 && spec.fallbackPath) {
      path = spec.fallbackPath
      res = await fetch(origin + path, { headers: { cookie: spec.cookie }, redirect: 'manual' })
    }
    const html = await res.text()
    if (res.status !== 200) {
      pages.push({ name: spec.name, path, scripts: 0, jsGzipBytes: 0, jsRawBytes: 0, lcpMs: null, lcpRunsMs: [], note: `not measured: ${path} answers ${res.status}${res.status === 404 ? ' (not built yet)' : ''}` })
      resolved.push({ ...spec, path, ok: false })
      continue
    }
    let gz = 0
    let raw = 0
    const urls = scriptUrls(html)
    const broken: string[] = []
    for (const url of urls) {
      const script = await fetch(new URL(url, origin))
      if (!script.ok) broken.push(`${url} (${script.status})`)
      const body = Buffer.from(await script.arrayBuffer())
      raw += body.length
      gz += gzipSync(body).length
    }
    if (broken.length) {
      pages.push({ name: spec.name, path, scripts: urls.length, jsGzipBytes: 0, jsRawBytes: 0, lcpMs: null, lcpRunsMs: [], note: `not measured: the build is inconsistent, scripts missing: ${broken.join(', ')}` })
      resolved.push({ ...spec, path, ok: false })
      continue
    }
    pages.push({ name: spec.name, path, scripts: urls.length, jsGzipBytes: gz, jsRawBytes: raw, lcpMs: null, lcpRunsMs: [], note: null })
    resolved.push({ ...spec, path, ok: true })
  }

  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    for (const [i, spec] of resolved.entries()) {
      if (!spec.ok) continue
      const runs: number[] = []
      for (let run = 0; run < 3; run++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
        const [name, value] = spec.cookie.split('=')
        await context.addCookies([{ name, value, url: origin }])
        const page = await context.newPage()
        await page.goto(origin + spec.path, { waitUntil: 'load' })
        const lcp = await page.evaluate(
          () =>
            new Promise<number | null>((resolve) => {
              let last: number | null = null
              new PerformanceObserver((list) => {
                const entries = list.getEntries()
                const entry = entries[entries.length - 1]
                if (entry) last = entry.startTime
              }).observe({ type: 'largest-contentful-paint', buffered: true })
              setTimeout(() => resolve(last), 500)
            }),
        )
        if (lcp !== null) runs.push(lcp)
        await context.close()
      }
      pages[i].lcpRunsMs = runs
      pages[i].lcpMs = median(runs)
    }
  } finally {
    await browser.close()
  }
  return { pages }
}

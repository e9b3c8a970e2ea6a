import { Writable } from 'node:stream'
import type { AppLoadContext, EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import i18next, { type i18n } from 'i18next'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { NonceContext } from '#app/components/nonce.tsx'
import { i18nOptions } from '#server/i18n.ts'

const ABORT_DELAY = 5_000

// One i18next instance per language for the whole process: every resource is
// bundled, and server rendering only reads (the language never changes on
// the server), so building and initialising one per request — which showed
// in the web process's CPU profile — buys nothing.
const instances = new Map<string, i18n>()
function i18nFor(locale: string): i18n {
  let instance = instances.get(locale)
  if (!instance) {
    instance = i18next.createInstance()
    void instance.use(initReactI18next).init({ ...i18nOptions, lng: locale, initImmediate: false })
    instances.set(locale, instance)
  }
  return instance
}

/**
 * The whole document is rendered, then sent as one buffer. No route defers
 * data (no Suspense boundary), so streaming gained nothing, and piping
 * React's small chunks through the web-stream adapter and compression cost
 * a socket write each (~10 % of the web process's CPU on the board page).
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const instance = i18nFor(loadContext.locale)
  const nonce = loadContext.cspNonce

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const chunks: Buffer[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk)
        callback()
      },
      final(callback) {
        clearTimeout(timer)
        const body = Buffer.concat(chunks)
        responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
        responseHeaders.set('Content-Length', String(body.byteLength))
        resolve(new Response(body, { headers: responseHeaders, status: responseStatusCode }))
        callback()
      },
    })
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <I18nextProvider i18n={instance}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </I18nextProvider>
      </NonceContext.Provider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true
        },
        onAllReady() {
          pipe(sink)
        },
        onShellError(error: unknown) {
          clearTimeout(timer)
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          if (shellRendered) console.error(`[${loadContext.requestId}]`, error)
        },
      },
    )
    // React starts rendering on a later tick, so the callbacks above see `timer`.
    const timer = setTimeout(abort, ABORT_DELAY + 1_000)
  })
}

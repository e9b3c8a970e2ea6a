import type { AppLocale } from '#app/i18n/config.ts'
import type { Actor } from './authz.ts'

/** What the Express server hands every Remix loader and action. */
export interface RutaLoadContext {
  requestId: string
  cspNonce: string
  /** The signed-in caller, or null. Resolved once per request by the server. */
  actor: Actor | null
  locale: AppLocale
  /** The client's address (Express `req.ip`, proxies on loopback trusted), for sign-in throttling and logs. */
  clientIp?: string | null
}

declare module '@remix-run/node' {
  interface AppLoadContext extends RutaLoadContext {}
}
declare module '@remix-run/server-runtime' {
  interface AppLoadContext extends RutaLoadContext {}
}

import { createRequestHandler } from '@remix-run/express'
import type { AppLoadContext, ServerBuild } from '@remix-run/node'
import * as trpcExpress from '@trpc/server/adapters/express'
import compression from 'compression'
import express, { type NextFunction, type Request, type Response } from 'express'
import { randomUUID } from 'node:crypto'
import { authenticate, type Authentication } from '../auth/authenticate.ts'
import { checkHealth } from '../health.ts'
import { localeCookie, requestLocale } from '../i18n.ts'
import '../load-context.ts'
import { appRouter } from '../routers/_app.ts'
import { originCheck, securityHeaders } from './security.ts'

export interface AppOptions {
  /** The Remix server build, or a function that loads it anew (development). */
  build: ServerBuild | (() => Promise<ServerBuild>)
  mode: 'production' | 'development'
}

async function authOf(req: Request, res: Response): Promise<Authentication> {
  if (res.locals.auth) return res.locals.auth as Authentication
  const auth = await authenticate({
    cookie: req.headers.cookie,
    authorization: req.headers.authorization,
    ip: req.ip,
    userAgent: req.headers['user-agent'],
  })
  for (const cookie of auth.setCookies) res.append('Set-Cookie', cookie)
  res.locals.auth = auth
  return auth
}

/** The request's language: server/i18n.ts requestLocale. */
function localeOf(req: Request, actor: Authentication['actor']) {
  return requestLocale({ lngParam: req.query.lng !== undefined, cookieHeader: req.headers.cookie, userLocale: actor?.locale, request: () => fetchRequestOf(req) })
}

function fetchRequestOf(req: Request) {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.headers.host ?? 'localhost'}`)
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(key, value)
    else if (Array.isArray(value)) headers.set(key, value.join(', '))
  }
  return new globalThis.Request(url, { headers })
}

export function createApp({ build, mode }: AppOptions) {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  // Nothing reads nested query objects (Remix and tRPC parse the URL themselves): node's querystring, not qs.
  app.set('query parser', 'simple')

  app.use((req, res, next) => {
    const requestId = randomUUID()
    res.locals.requestId = requestId
    res.setHeader('X-Request-Id', requestId)
    next()
  })
  // A client that accepts no encoding (API scripts, curl) skips compression's response wrapping altogether.
  const compress = compression()
  app.use((req, res, next) => (req.headers['accept-encoding'] ? compress(req, res, next) : next()))
  app.use(securityHeaders)

  // Fingerprinted assets from the Remix build never change: cache for a year.
  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
  // Other public files have an extension: pages and API calls skip the disk
  // look-up (a stat per request, ~5 % of the web process's CPU under load).
  const publicFiles = express.static('public', { maxAge: '1h' })
  app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) && !req.path.startsWith('/api/') ? publicFiles(req, res, next) : next()))

  app.get('/healthz', async (_req, res) => {
    const health = await checkHealth()
    res.status(health.status === 'down' ? 503 : 200).json(health)
  })

  app.use(originCheck)

  app.use('/api/trpc', (req, res, next) => {
    // tRPC takes JSON only: a form-encoded body is how cross-site forms attack.
    if (req.method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      res.status(415).json({ error: { message: 'tRPC accepts application/json bodies only', code: 'UNSUPPORTED_MEDIA_TYPE', data: { requestId: res.locals.requestId } } })
      return
    }
    next()
  })
  app.use(
    '/api/trpc',
    trpcExpress.createExpressMiddleware({
      router: appRouter,
      createContext: async ({ req, res }) => {
        const auth = await authOf(req, res)
        const locale = await localeOf(req, auth.actor)
        return { actor: auth.actor, requestId: res.locals.requestId as string, locale, invalidToken: auth.invalidToken }
      },
    }),
  )

  const remix = createRequestHandler({
    build,
    mode,
    getLoadContext: async (req, res): Promise<AppLoadContext> => {
      const auth = await authOf(req, res)
      const locale = await localeOf(req, auth.actor)
      return { requestId: res.locals.requestId, cspNonce: res.locals.cspNonce, actor: auth.actor, locale, clientIp: req.ip ?? null }
    },
  })
  app.all('*', (req, res, next) => {
    // `?lng=` sets the language cookie for the next pages.
    const lng = typeof req.query.lng === 'string' ? req.query.lng : undefined
    if (lng && ['es', 'pt', 'en'].includes(lng)) {
      localeCookie.serialize(lng).then((cookie) => {
        res.append('Set-Cookie', cookie)
        return remix(req, res, next)
      }, next)
      return
    }
    return remix(req, res, next)
  })

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    console.error(`[${res.locals.requestId}] unhandled:`, error)
    if (!res.headersSent) res.status(500).type('text/plain').send(`Internal error (request ${res.locals.requestId})`)
  })
  return app
}

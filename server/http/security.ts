import type { NextFunction, Request, Response } from 'express'
import { randomBytes } from 'node:crypto'
import { env } from '../env.ts'

/**
 * Security headers on every response. Remix's scripts carry the per-request
 * nonce; nothing else may run inline.
 */
export function securityHeaders(req: Request, res: Response, next: NextFunction) {
  const nonce = randomBytes(16).toString('base64')
  res.locals.cspNonce = nonce
  const dev = process.env.NODE_ENV === 'development'
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ''}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src 'self'${dev ? ' ws://localhost:*' : ''}`,
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join('; '),
  )
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  if (env().SECURE) res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains')
  next()
}

/**
 * The Origin rule of API.md: a cookie-authenticated request that is not
 * GET/HEAD must carry an Origin equal to APP_URL's origin or the request's
 * own host origin. Bearer-token calls and signed one-click unsubscribe URLs
 * are exempt (they carry their own proof). Remix's own check does not cover
 * resource routes, so this runs in front of everything.
 */
export function isOriginAllowed(req: Request): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return true
  if (/^Bearer\s+/i.test(req.headers.authorization ?? '')) return true
  if (req.path.startsWith('/unsubscribe/') || req.path === '/api/webhooks/resend') return true
  const origin = req.headers.origin
  if (!origin || origin === 'null') return false
  const own = `${req.protocol}://${req.headers.host ?? ''}`
  return origin === env().APP_ORIGIN || origin === own
}

export function originCheck(req: Request, res: Response, next: NextFunction) {
  if (isOriginAllowed(req)) return next()
  res.status(403).type('text/plain').send('Forbidden: this request must come from a Ruta page (Origin header missing or foreign).')
}

import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { useChangeLanguage } from 'remix-i18next/react'
import { AppHeader } from './components/app-header.tsx'
import { useNonce } from './components/nonce.tsx'
import stylesheet from './styles/app.css'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export async function loader({ context }: LoaderFunctionArgs) {
  const actor = context.actor
  return {
    locale: context.locale,
    requestId: context.requestId,
    user: actor ? { name: actor.name, email: actor.email, isAdmin: actor.isAdmin } : null,
    workspaces: actor ? actor.memberships.map((m) => ({ slug: m.slug, name: m.name, role: m.role })) : [],
  }
}

export const handle = { i18n: ['common'] }

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const { t, i18n } = useTranslation()
  const lang = data?.locale ?? i18n.language ?? 'es'
  const nonce = useNonce()
  // After a client-side navigation (sign-in, ?lng=) the root loader may name another language.
  useChangeLanguage(lang)
  return (
    <html lang={lang} dir="ltr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t('skipToContent')}
        </a>
        <AppHeader user={data?.user ?? null} workspaces={data?.workspaces ?? []} locale={lang} />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  useLoaderData<typeof loader>()
  return <Outlet />
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  const data = useRouteLoaderData<typeof loader>('root')
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message =
    status === 404 ? t('errors.notFound') : status === 403 ? t('errors.forbidden') : t('errors.unexpected', { requestId: data?.requestId ?? '' })
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{t('errors.title')}</h1>
      <p role="alert">{message}</p>
      <a href="/">{t('errors.backHome')}</a>
    </section>
  )
}

import { Form, Link, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { SUPPORTED_LOCALES } from '#app/i18n/config.ts'

interface Props {
  user: { name: string; email: string; isAdmin: boolean } | null
  workspaces: { slug: string; name: string; role: string }[]
  locale: string
}

export function AppHeader({ user, workspaces, locale }: Props) {
  const { t } = useTranslation()
  const location = useLocation()
  // The workspace of the current page, else the caller's first.
  const slugInPath = /^\/w\/([^/]+)/.exec(location.pathname)?.[1]
  const workspace = workspaces.find((w) => w.slug === slugInPath) ?? workspaces[0]
  const current = (path: string) => (location.pathname === path ? 'page' : undefined)
  return (
    <header className="app-header">
      <Link to="/" className="brand">
        {t('appName')}
      </Link>
      <nav aria-label={t('nav.main')}>
        <ul>
          {workspace ? (
            <>
              <li>
                <Link to={`/w/${workspace.slug}`} aria-current={current(`/w/${workspace.slug}`)}>
                  {t('nav.home')}
                </Link>
              </li>
              <li>
                <Link to={`/w/${workspace.slug}/board`} aria-current={current(`/w/${workspace.slug}/board`)}>
                  {t('nav.board')}
                </Link>
              </li>
              <li>
                <Link to={`/w/${workspace.slug}/plan`} aria-current={current(`/w/${workspace.slug}/plan`)}>
                  {t('nav.plan')}
                </Link>
              </li>
              <li>
                <Link to={`/w/${workspace.slug}/search`} aria-current={current(`/w/${workspace.slug}/search`)}>
                  {t('nav.search')}
                </Link>
              </li>
              {workspace.role === 'secretariat' ? (
                <>
                  <li>
                    <Link to={`/w/${workspace.slug}/members`} aria-current={current(`/w/${workspace.slug}/members`)}>
                      {t('members.title', { ns: 'admin' })}
                    </Link>
                  </li>
                  <li>
                    <Link to={`/w/${workspace.slug}/setup`} aria-current={current(`/w/${workspace.slug}/setup`)}>
                      {t('setup.nav', { ns: 'workspace' })}
                    </Link>
                  </li>
                  <li>
                    <Link to={`/w/${workspace.slug}/activity`} aria-current={current(`/w/${workspace.slug}/activity`)}>
                      {t('nav.activity')}
                    </Link>
                  </li>
                </>
              ) : null}
              {workspaces
                .filter((w) => w.slug !== workspace.slug)
                .map((w) => (
                  <li key={w.slug}>
                    <Link to={`/w/${w.slug}`} title={t('nav.otherWorkspace')}>
                      {w.name}
                    </Link>
                  </li>
                ))}
            </>
          ) : null}
          {user?.isAdmin ? (
            <li>
              <Link to="/admin">{t('admin.title', { ns: 'admin' })}</Link>
            </li>
          ) : null}
          {user ? (
            <li>
              <Link to="/settings">{t('nav.settings')}</Link>
            </li>
          ) : null}
        </ul>
      </nav>
      <nav aria-label={t('language')} className="language-switch">
        <ul>
          {SUPPORTED_LOCALES.map((lng) => (
            <li key={lng}>
              <a href={`${location.pathname}?lng=${lng}`} hrefLang={lng} lang={lng} aria-current={lng === locale ? 'true' : undefined}>
                {t(`languages.${lng}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {user ? (
        <Form method="post" action="/logout" className="sign-out">
          <span className="user-name">{user.name || user.email}</span>
          <button type="submit">{t('nav.signOut')}</button>
        </Form>
      ) : (
        <Link to="/login">{t('nav.signIn')}</Link>
      )}
    </header>
  )
}

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
  const workspace = workspaces[0]
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
                <Link to={`/w/${workspace.slug}`}>{t('nav.home')}</Link>
              </li>
              <li>
                <Link to={`/w/${workspace.slug}/plan`}>{t('nav.plan')}</Link>
              </li>
              {workspace.role === 'secretariat' ? (
                <li>
                  <Link to={`/w/${workspace.slug}/members`}>{t('members.title', { ns: 'admin' })}</Link>
                </li>
              ) : null}
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

import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { formatters, OverdueBadge, StatusBadge } from '#app/components/assignment-ui.tsx'
import type { AppLocale } from '#app/i18n/config.ts'
import { type HomeGroup, type HomeItem, listBoardOptions, listHomeAssignments, translator } from '#app/utils/assignments.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'

export const handle = { i18n: ['assignments'] }

/**
 * The workspace home. A focal point sees "my country" and a partner "my
 * organisation": their assignments grouped by what needs them. The
 * secretariat and observers follow everything, so their home is the board.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  if (membership.role === 'secretariat' || membership.role === 'observer') throw redirect(`/w/${membership.slug}/board`)
  const [home, options] = await Promise.all([
    listHomeAssignments(actor, { workspaceId: membership.workspaceId }),
    listBoardOptions(actor, { workspaceId: membership.workspaceId }),
  ])
  const country = options.countries.find((c) => c.code === membership.countryCode)
  const countryName = country ? (context.locale === 'pt' ? country.name_pt : context.locale === 'en' ? country.name_en : country.name_es) : null
  const t = translator(context.locale)
  const title = membership.role === 'partner' ? t('home.titleOrganisation', { ns: 'assignments' }) : t('home.title', { ns: 'assignments' })
  const page: PageData = {
    slug: membership.slug,
    workspaceName: membership.name,
    countryCode: membership.countryCode,
    countryName,
    role: membership.role,
    groups: home.groups,
    locale: context.locale,
    timeZone: actor.timeZone,
    pageTitle: `${title} · ${membership.name} · Ruta`,
  }
  return page
}

interface PageData {
  slug: string
  workspaceName: string
  countryCode: string | null
  countryName: string | null
  role: string
  groups: { group: HomeGroup; items: HomeItem[]; more: boolean }[]
  locale: AppLocale
  timeZone: string
  pageTitle: string
}

export const meta: MetaFunction = ({ data }) => [{ title: (data as PageData | undefined)?.pageTitle ?? 'Ruta' }]

/** The board filtered to the same group, for "see all". */
function boardLink(slug: string, group: HomeGroup, countryCode: string | null) {
  const q = new URLSearchParams()
  if (countryCode) q.set('country', countryCode)
  if (group === 'overdue') q.set('overdue', '1')
  if (group === 'waiting') q.set('status', 'submitted')
  if (group === 'done') q.set('status', 'completed')
  return `/w/${slug}/board?${q.toString()}`
}

export default function Home() {
  const data = useLoaderData() as PageData
  const { t } = useTranslation('assignments')
  const fmt = formatters(data.locale, data.timeZone)
  return (
    <section aria-labelledby="home-title" className="home">
      <h1 id="home-title">{data.role === 'partner' ? t('home.titleOrganisation') : t('home.title')}</h1>
      <p className="muted">{data.countryName ? t('home.intro', { name: data.countryName }) : t('home.introOrganisation')}</p>
      <p>
        <Link to={`/w/${data.slug}/board`}>{t('home.board')}</Link>
      </p>
      {data.groups.map(({ group, items, more }) => (
        <section key={group} aria-labelledby={`group-${group}`} className={`home-group home-group-${group}`}>
          <h2 id={`group-${group}`}>
            {t(`home.groups.${group}`)} <span className="count">({items.length}{more ? '+' : ''})</span>
          </h2>
          {items.length === 0 ? (
            <p className="muted">{t('home.empty')}</p>
          ) : (
            <ul className="assignment-list">
              {items.map((item) => (
                <li key={item.id}>
                  <Link to={`/w/${data.slug}/assignments/${item.id}`}>
                    <span className="code">{item.taskCode}</span> {item.taskTitle}
                  </Link>{' '}
                  <StatusBadge status={item.status} /> {item.overdue ? <OverdueBadge /> : null}{' '}
                  <span className="muted">
                    <time dateTime={item.dueDate}>{fmt.day(item.dueDate)}</time>
                    {group === 'dueSoon' ? ` · ${item.daysLeft === 0 ? t('home.dueToday') : t('home.dueIn', { count: item.daysLeft })}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {more ? <Link to={boardLink(data.slug, group, data.countryCode)}>{t('home.more')}</Link> : null}
        </section>
      ))}
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="home" notFound="workspaceNotFound" />
}

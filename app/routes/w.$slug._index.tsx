import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { formatters, OverdueBadge, StatusBadge } from '#app/components/assignment-ui.tsx'
import type { AppLocale } from '#app/i18n/config.ts'
import { type HomeGroup, type HomeItem, isAppError, listHomeAssignments, translator } from '#app/utils/assignments.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'

export const handle = { i18n: ['assignments'] }

const GROUPS: readonly HomeGroup[] = ['overdue', 'dueSoon', 'rest', 'waiting', 'done']

/**
 * The workspace home. A focal point sees "my country" and a partner "my
 * organisation": their assignments grouped by what needs them, the first few
 * of each group with a "show more" link. `?group=<group>&cursor=<cursor>`
 * shows one group, a page at a time, so no page lists every assignment of a
 * country. The secretariat and observers follow everything, so their home is
 * the board.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  if (membership.role === 'secretariat' || membership.role === 'observer') throw redirect(`/w/${membership.slug}/board`)
  const url = new URL(request.url)
  const group = GROUPS.find((g) => g === url.searchParams.get('group'))
  const cursor = group ? (url.searchParams.get('cursor') ?? undefined) : undefined
  const home = await listHomeAssignments(actor, { workspaceId: membership.workspaceId, group, cursor }).catch((error: unknown) => {
    // A cursor this page did not give out (edited, or from an older version): the group from its start.
    if (isAppError(error) && error.code === 'BAD_REQUEST' && group) throw redirect(`/w/${membership.slug}?group=${group}`)
    throw error
  })
  const countryName = home.countryNames?.[context.locale] ?? null
  const t = translator(context.locale)
  const title = membership.role === 'partner' ? t('home.titleOrganisation', { ns: 'assignments' }) : t('home.title', { ns: 'assignments' })
  const page: PageData = {
    slug: membership.slug,
    workspaceName: membership.name,
    countryName,
    role: membership.role,
    group: group ?? null,
    // Only what the page shows: every field left out is not serialised twice (HTML and loader data).
    groups: home.groups.map(({ group, items, nextCursor }) => ({
      group,
      items: items.map(({ id, taskCode, taskTitle, status, overdue, dueDate, daysLeft }) => ({ id, taskCode, taskTitle, status, overdue, dueDate, daysLeft })),
      nextCursor,
    })),
    locale: context.locale,
    timeZone: actor.timeZone,
    pageTitle: group ? `${t(`home.groups.${group}`, { ns: 'assignments' })} · ${title} · ${membership.name} · Ruta` : `${title} · ${membership.name} · Ruta`,
  }
  return page
}

interface PageData {
  slug: string
  workspaceName: string
  countryName: string | null
  role: string
  /** The one group shown, page by page; null on the home itself. */
  group: HomeGroup | null
  groups: { group: HomeGroup; items: Pick<HomeItem, 'id' | 'taskCode' | 'taskTitle' | 'status' | 'overdue' | 'dueDate' | 'daysLeft'>[]; nextCursor: string | null }[]
  locale: AppLocale
  timeZone: string
  pageTitle: string
}

export const meta: MetaFunction = ({ data }) => [{ title: (data as PageData | undefined)?.pageTitle ?? 'Ruta' }]

export default function Home() {
  const data = useLoaderData() as PageData
  const { t } = useTranslation('assignments')
  const fmt = formatters(data.locale, data.timeZone)
  const title = data.role === 'partner' ? t('home.titleOrganisation') : t('home.title')
  const home = `/w/${data.slug}`
  return (
    <section aria-labelledby="home-title" className="home">
      <h1 id="home-title">{title}</h1>
      <p className="muted">{data.countryName ? t('home.intro', { name: data.countryName }) : t('home.introOrganisation')}</p>
      <p>
        {data.group ? <Link to={home}>{t('home.back', { title })}</Link> : <Link to={`${home}/board`}>{t('home.board')}</Link>}
      </p>
      {data.groups.map(({ group, items, nextCursor }) => (
        <section key={group} aria-labelledby={`group-${group}`} className={`home-group home-group-${group}`}>
          <h2 id={`group-${group}`}>
            {t(`home.groups.${group}`)}
            {data.group ? null : (
              <>
                {' '}
                <span className="count">
                  ({items.length}
                  {nextCursor ? '+' : ''})
                </span>
              </>
            )}
          </h2>
          {items.length === 0 ? (
            <p className="muted">{t('home.empty')}</p>
          ) : (
            <ul className="assignment-list">
              {items.map((item) => (
                <li key={item.id}>
                  <Link to={`${home}/assignments/${item.id}`}>
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
          {nextCursor ? (
            <p>
              <Link to={`${home}?${new URLSearchParams({ group, cursor: nextCursor }).toString()}`}>{t('home.more', { group: t(`home.groups.${group}`) })}</Link>
            </p>
          ) : null}
        </section>
      ))}
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="home" notFound="workspaceNotFound" />
}

import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { FormMessage, useFormatters } from '#app/components/tasks/ui.tsx'
import { listActivity, pageErrorOf } from '#app/utils/tasks.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'

/**
 * The workspace activity log (secretariat only). The filters live in the
 * URL (a GET form), so a view can be bookmarked and shared; pages go back
 * in time by keyset cursor; the CSV link exports the same filtered log.
 */
export const handle = { i18n: ['activity', 'tasks'] }

export const meta = titleMeta('activity', 'title')

const FILTERS = ['actor', 'action', 'subject', 'from', 'to'] as const

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const url = new URL(request.url)
  const get = (name: string) => url.searchParams.get(name) ?? undefined
  const filters = Object.fromEntries(FILTERS.map((name) => [name, get(name) ?? ''])) as Record<(typeof FILTERS)[number], string>
  const input = {
    workspaceId: membership.workspaceId,
    actorId: get('actor'),
    action: get('action'),
    subjectType: get('subject'),
    from: get('from'),
    to: get('to'),
    cursor: get('cursor'),
  }
  const base = { slug: membership.slug, timeZone: actor.timeZone, filters, query: filterQuery(filters), paged: Boolean(input.cursor) }
  try {
    const page = await listActivity(actor, input, { withOptions: true })
    return { ...base, ...page, error: null }
  } catch (error) {
    // A bad filter (a mistyped date, an old cursor) keeps the page, with the message; FORBIDDEN / NOT_FOUND are error pages.
    const refused = pageErrorOf(error)
    const options = await listActivity(actor, { workspaceId: membership.workspaceId, limit: 1 }, { withOptions: true })
    return { ...base, items: [], nextCursor: null, options: options.options, error: refused.error }
  }
}

function filterQuery(filters: Record<string, string>) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value)
  return params.toString()
}

export default function ActivityPage() {
  // before/after are arbitrary JSON, which the serialized-type helper cannot type; the loader's values are plain JSON already.
  const { slug, timeZone, filters, query, paged, items, nextCursor, options, error } = useLoaderData() as Awaited<ReturnType<typeof loader>>
  const { t } = useTranslation('activity')
  const format = useFormatters(timeZone)
  const subjectLabel = (type: string) => t(`subjects.${type}`, { defaultValue: type })
  // Known actions in words; others (added later by other features) as their code.
  const actionLabel = (action: string) => (/^[a-z_]+\.[a-z_]+$/.test(action) ? t(`actions.${action}`, { defaultValue: action }) : action)
  return (
    <section aria-labelledby="activity-title" className="activity-page">
      <h1 id="activity-title">{t('title')}</h1>
      <p>{t('intro', { timeZone })}</p>
      <Form method="get" className="filters" aria-labelledby="filters-title">
        <h2 id="filters-title" className="visually-hidden">
          {t('filters')}
        </h2>
        <FormMessage error={error} id="activity-error" />
        <div className="filter-grid">
          <div>
            <label htmlFor="f-actor">{t('actor')}</label>
            <select id="f-actor" name="actor" defaultValue={filters.actor}>
              <option value="">{t('anyone')}</option>
              {options?.actors.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-action">{t('action')}</label>
            <select id="f-action" name="action" defaultValue={filters.action}>
              <option value="">{t('any')}</option>
              {options?.actions.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(a)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-subject">{t('subjectType')}</label>
            <select id="f-subject" name="subject" defaultValue={filters.subject}>
              <option value="">{t('any')}</option>
              {options?.subjectTypes.map((s) => (
                <option key={s} value={s}>
                  {subjectLabel(s)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-from">{t('from')}</label>
            <input id="f-from" type="date" name="from" defaultValue={filters.from} aria-invalid={error?.field === 'from' || undefined} />
          </div>
          <div>
            <label htmlFor="f-to">{t('to')}</label>
            <input id="f-to" type="date" name="to" defaultValue={filters.to} aria-invalid={error?.field === 'to' || undefined} />
          </div>
        </div>
        <p className="filter-actions">
          <button type="submit">{t('apply')}</button> <Link to={`/w/${slug}/activity`}>{t('clear')}</Link>
        </p>
      </Form>
      <p>
        <a href={`/w/${slug}/activity.csv${query ? `?${query}` : ''}`} download>
          {t('exportCsv')}
        </a>{' '}
        <span className="muted">{t('exportHelp')}</span>
      </p>
      {items.length === 0 ? (
        <p>{t('empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="activity-log">
            <thead>
              <tr>
                <th scope="col">{t('columns.at')}</th>
                <th scope="col">{t('columns.actor')}</th>
                <th scope="col">{t('columns.action')}</th>
                <th scope="col">{t('columns.subject')}</th>
                <th scope="col">{t('columns.change')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <time dateTime={item.at}>{format.instant(item.at)}</time>
                  </td>
                  <td>{item.actor ? item.actor.name : <span className="muted">{t('system')}</span>}</td>
                  <td>{actionLabel(item.action)}</td>
                  <td>
                    <SubjectLink slug={slug} type={item.subjectType} id={item.subjectId} label={subjectLabel(item.subjectType)} />
                  </td>
                  <td>
                    <Change before={item.before} after={item.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t('pagination')} className="pagination">
        {nextCursor ? <Link to={`/w/${slug}/activity?${query ? `${query}&` : ''}cursor=${encodeURIComponent(nextCursor)}`}>{t('next')} →</Link> : null}{' '}
        {paged ? <Link to={`/w/${slug}/activity${query ? `?${query}` : ''}`}>{t('first')}</Link> : null}
      </nav>
    </section>
  )
}

const PLAN_KINDS = new Set(['general_objective', 'specific_objective', 'action_line'])

function SubjectLink({ slug, type, id, label }: { slug: string; type: string; id: string | null; label: string }) {
  if (id && type === 'task') return <Link to={`/w/${slug}/tasks/${id}`}>{label}</Link>
  if (id && PLAN_KINDS.has(type)) return <Link to={`/w/${slug}/plan/edit#item-${id}`}>{label}</Link>
  if (id && type === 'assignment') return <Link to={`/w/${slug}/assignments/${id}`}>{label}</Link>
  return <>{label}</>
}

function show(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Before → after, key by key: the keys of either side, each with its two values. */
function Change({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation('activity')
  const b = before && typeof before === 'object' ? (before as Record<string, unknown>) : {}
  const a = after && typeof after === 'object' ? (after as Record<string, unknown>) : {}
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])]
  if (!keys.length) return null
  return (
    <dl className="change">
      {keys.map((key) => {
        const from = show(b[key])
        const to = show(a[key])
        return (
          <div key={key}>
            <dt>{key}</dt>
            <dd>
              {key in b && from !== to ? (
                <>
                  <del>{from || t('emptyValue')}</del> → <ins>{to || t('emptyValue')}</ins>
                </>
              ) : (
                to || from
              )}
            </dd>
          </div>
        )
      })}
    </dl>
  )
}

export function ErrorBoundary() {
  return <RouteError id="activity" />
}

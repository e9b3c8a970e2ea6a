import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { ASSIGNMENT_STATUSES, formatters } from '#app/components/assignment-ui.tsx'
import type { AppLocale } from '#app/i18n/config.ts'
import { type AssignmentItem, isAppError, listAssignments, listBoardOptions, type TListAssignments, translator } from '#app/utils/assignments.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'

export const handle = { i18n: ['board', 'assignments'] }

const PAGE_SIZE = 50
/** The board's URL parameters → assignment.list's input names. */
const FIELD_OF_PARAM: Record<string, string> = {
  countryCode: 'country',
  status: 'status',
  objectiveCode: 'objective',
  lead: 'lead',
  dueFrom: 'dueFrom',
  dueTo: 'dueTo',
  cursor: 'cursor',
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const url = new URL(request.url)
  const q = url.searchParams
  const many = (name: string) => q.getAll(name).map((v) => v.trim()).filter(Boolean)
  const one = (name: string) => q.get(name)?.trim() || undefined
  const countries = many('country')
  const statuses = many('status')
  const filters = {
    country: countries,
    status: statuses,
    objective: one('objective') ?? '',
    lead: one('lead') ?? '',
    overdue: q.get('overdue') === '1',
    dueFrom: one('dueFrom') ?? '',
    dueTo: one('dueTo') ?? '',
  }
  const input = {
    workspaceId: membership.workspaceId,
    countryCode: countries.length ? countries.map((c) => c.toUpperCase()) : undefined,
    // Any strings: the service validates them (BAD_REQUEST naming the field).
    status: statuses.length ? (statuses as TListAssignments['status']) : undefined,
    objectiveCode: one('objective'),
    lead: one('lead'),
    overdue: filters.overdue ? true : undefined,
    dueFrom: one('dueFrom'),
    dueTo: one('dueTo'),
    cursor: one('cursor'),
    limit: PAGE_SIZE,
  }
  let items: BoardItem[] = []
  let nextCursor: string | null = null
  let error: { field: string; message: string; cursor: boolean } | null = null
  // The page, the secretariat's "waiting for verification" box and the filter options are independent: ask at once.
  const [page, waiting, options] = await Promise.all([
    listAssignments(actor, input).catch((e: unknown) => {
      if (!isAppError(e) || e.code !== 'BAD_REQUEST') throw e
      const field = FIELD_OF_PARAM[String(e.details.field ?? '').split('.')[0]] ?? String(e.details.field ?? '')
      error = { field, message: e.message.replace(/^[\w.]+: /, ''), cursor: field === 'cursor' }
      return null
    }),
    membership.role === 'secretariat' ? listAssignments(actor, { workspaceId: membership.workspaceId, status: 'submitted', limit: 10 }) : null,
    listBoardOptions(actor, { workspaceId: membership.workspaceId }),
  ])
  if (page) {
    items = page.items.map(boardItem)
    nextCursor = page.nextCursor
  }
  const t = translator(context.locale)
  const data: PageData = {
    slug: membership.slug,
    filters,
    items,
    nextCursor,
    hasCursor: !!input.cursor,
    error,
    waiting: waiting ? { items: waiting.items.map(boardItem), nextCursor: waiting.nextCursor } : null,
    countries: options.countries.map((c) => ({ code: c.code, name: context.locale === 'pt' ? c.name_pt : context.locale === 'en' ? c.name_en : c.name_es })),
    organisations: options.organisations,
    locale: context.locale,
    timeZone: actor.timeZone,
    pageTitle: `${t('title', { ns: 'board' })} · ${membership.name} · Ruta`,
  }
  return data
}

/** What a row of the board shows: the loader data carries nothing more (it is serialised into every page). */
type BoardItem = Pick<AssignmentItem, 'id' | 'taskCode' | 'taskTitle' | 'countryCode' | 'status' | 'dueDate' | 'overdue'>
function boardItem(item: AssignmentItem): BoardItem {
  return { id: item.id, taskCode: item.taskCode, taskTitle: item.taskTitle, countryCode: item.countryCode, status: item.status, dueDate: item.dueDate, overdue: item.overdue }
}

interface PageData {
  slug: string
  filters: { country: string[]; status: string[]; objective: string; lead: string; overdue: boolean; dueFrom: string; dueTo: string }
  items: BoardItem[]
  nextCursor: string | null
  hasCursor: boolean
  error: { field: string; message: string; cursor: boolean } | null
  waiting: { items: BoardItem[]; nextCursor: string | null } | null
  countries: { code: string; name: string }[]
  organisations: { code: string; name: string }[]
  locale: AppLocale
  timeZone: string
  pageTitle: string
}

export const meta: MetaFunction = ({ data }) => [{ title: (data as PageData | undefined)?.pageTitle ?? 'Ruta' }]

/** The current filters as a query string (the cursor left out, or replaced). */
function queryOf(filters: PageData['filters'], cursor?: string) {
  const q = new URLSearchParams()
  for (const c of filters.country) q.append('country', c)
  for (const s of filters.status) q.append('status', s)
  if (filters.objective) q.set('objective', filters.objective)
  if (filters.lead) q.set('lead', filters.lead)
  if (filters.overdue) q.set('overdue', '1')
  if (filters.dueFrom) q.set('dueFrom', filters.dueFrom)
  if (filters.dueTo) q.set('dueTo', filters.dueTo)
  if (cursor) q.set('cursor', cursor)
  const s = q.toString()
  return s ? `?${s}` : ''
}

export default function Board() {
  const data = useLoaderData() as PageData
  const { t } = useTranslation('board')
  const { t: ta } = useTranslation('assignments')
  const fmt = formatters(data.locale, data.timeZone)
  const f = data.filters
  const err = (field: string) => (data.error && !data.error.cursor && data.error.field === field ? data.error : null)
  const errProps = (field: string) => (err(field) ? { 'aria-invalid': true as const, 'aria-describedby': `filter-${field}-error` } : {})
  const ErrorText = ({ field }: { field: string }) =>
    err(field) ? (
      <p id={`filter-${field}-error`} className="field-error" role="alert">
        {t('errors.filter', { field: t(`filters.${field}`) })}
      </p>
    ) : null
  const countryNames = new Map(data.countries.map((c) => [c.code, c.name]))
  const secretariatName = t('secretariat')
  const countryName = (code: string | null) => (code ? (countryNames.get(code) ?? code) : secretariatName)
  // Each label once per render, not once per row (i18next's t() showed in the page's CPU profile).
  const statusLabels = new Map<string, string>(ASSIGNMENT_STATUSES.map((s) => [s, ta(`statuses.${s}`)]))
  const overdueLabel = ta('overdue')

  return (
    <section aria-labelledby="board-title" className="board">
      <h1 id="board-title">{t('title')}</h1>

      {data.waiting ? (
        <section aria-labelledby="waiting-heading" className="waiting">
          <h2 id="waiting-heading">
            {t('waiting.heading')} <span className="count">({data.waiting.items.length}{data.waiting.nextCursor ? '+' : ''})</span>
          </h2>
          {data.waiting.items.length === 0 ? (
            <p className="muted">{t('waiting.none')}</p>
          ) : (
            <ul className="assignment-list">
              {data.waiting.items.map((item) => (
                <li key={item.id}>
                  <Link to={`/w/${data.slug}/assignments/${item.id}`}>
                    <span className="code">{item.taskCode}</span> {item.taskTitle} — {countryName(item.countryCode)}
                  </Link>{' '}
                  <span className="muted">
                    <time dateTime={item.dueDate}>{fmt.day(item.dueDate)}</time>
                  </span>
                </li>
              ))}
            </ul>
          )}
          <Link to={`/w/${data.slug}/board?status=submitted`}>{t('waiting.all')}</Link>
        </section>
      ) : null}

      <Form method="get" className="board-filters" aria-labelledby="filters-heading">
        <h2 id="filters-heading">{t('filters.heading')}</h2>
        <div className="filter-grid">
          <div>
            <label htmlFor="filter-country">{t('filters.country')}</label>
            <select id="filter-country" name="country" defaultValue={f.country[0] ?? ''} {...errProps('country')}>
              <option value="">{t('filters.any')}</option>
              {data.countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
            <ErrorText field="country" />
          </div>
          <div>
            <label htmlFor="filter-status">{t('filters.status')}</label>
            <select id="filter-status" name="status" defaultValue={f.status[0] ?? ''} {...errProps('status')}>
              <option value="">{t('filters.any')}</option>
              {ASSIGNMENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabels.get(s)}
                </option>
              ))}
            </select>
            <ErrorText field="status" />
          </div>
          <div>
            <label htmlFor="filter-objective">{t('filters.objective')}</label>
            <input id="filter-objective" name="objective" inputMode="decimal" defaultValue={f.objective} {...errProps('objective')} />
            <ErrorText field="objective" />
          </div>
          <div>
            <label htmlFor="filter-lead">{t('filters.lead')}</label>
            <select id="filter-lead" name="lead" defaultValue={f.lead} {...errProps('lead')}>
              <option value="">{t('filters.any')}</option>
              <option value="all_countries">{t('filters.allCountries')}</option>
              <option value="secretariat">{t('filters.secretariat')}</option>
              {data.countries.map((c) => (
                <option key={c.code} value={`country:${c.code}`}>
                  {c.name}
                </option>
              ))}
              {data.organisations.map((o) => (
                <option key={o.code} value={`organisation:${o.code}`}>
                  {o.name}
                </option>
              ))}
            </select>
            <ErrorText field="lead" />
          </div>
          <div>
            <label htmlFor="filter-dueFrom">{t('filters.dueFrom')}</label>
            <input id="filter-dueFrom" name="dueFrom" type="date" defaultValue={f.dueFrom} {...errProps('dueFrom')} />
            <ErrorText field="dueFrom" />
          </div>
          <div>
            <label htmlFor="filter-dueTo">{t('filters.dueTo')}</label>
            <input id="filter-dueTo" name="dueTo" type="date" defaultValue={f.dueTo} {...errProps('dueTo')} />
            <ErrorText field="dueTo" />
          </div>
          <div className="checkbox">
            <label>
              <input type="checkbox" name="overdue" value="1" defaultChecked={f.overdue} /> {t('filters.overdue')}
            </label>
          </div>
        </div>
        <p>
          <button type="submit">{t('filters.apply')}</button> <Link to={`/w/${data.slug}/board`}>{t('filters.clear')}</Link>
        </p>
      </Form>

      <div aria-live="polite" aria-atomic="true">
        {data.error?.cursor ? (
          <p className="form-error" role="alert">
            {t('errors.cursor')}
          </p>
        ) : null}
        <p className="muted">{t('results', { count: data.items.length })}</p>
      </div>

      {data.items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <table className="board-table">
          <caption className="visually-hidden">{t('caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('columns.code')}</th>
              <th scope="col">{t('columns.task')}</th>
              <th scope="col">{t('columns.country')}</th>
              <th scope="col">{t('columns.status')}</th>
              <th scope="col">{t('columns.due')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item) => (
              <tr key={item.id} className={item.overdue ? 'overdue-row' : undefined}>
                <td className="code">{item.taskCode}</td>
                <td>
                  <Link to={`/w/${data.slug}/assignments/${item.id}`}>{item.taskTitle}</Link>
                </td>
                <td>{countryName(item.countryCode)}</td>
                <td>
                  <span className={`status status-${item.status}`}>{statusLabels.get(item.status)}</span>
                </td>
                <td>
                  <time dateTime={item.dueDate}>{fmt.day(item.dueDate)}</time> {item.overdue ? <span className="badge-overdue">{overdueLabel}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <nav aria-label={t('pagination')} className="pagination">
        {data.hasCursor ? <Link to={`/w/${data.slug}/board${queryOf(f)}`}>{t('firstPage')}</Link> : null}{' '}
        {data.nextCursor ? (
          <Link to={`/w/${data.slug}/board${queryOf(f, data.nextCursor)}`} rel="next">
            {t('nextPage')}
          </Link>
        ) : null}
      </nav>
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="board" notFound="workspaceNotFound" />
}

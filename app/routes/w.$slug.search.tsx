import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteError } from '#app/components/route-error.tsx'
import { FormMessage } from '#app/components/tasks/ui.tsx'
import { pageErrorOf, searchWorkspace } from '#app/utils/tasks.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { titleMeta } from '#app/utils/page-title.ts'

/** Full-text search of the workspace (every member), accent-insensitive; the query lives in the URL (?q=). */
export const handle = { i18n: ['tasks'] }

export const meta = titleMeta('tasks', 'search.title')

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const q = new URL(request.url).searchParams.get('q') ?? ''
  if (!q.trim()) return { slug: membership.slug, q, hits: null, error: null }
  try {
    const result = await searchWorkspace(actor, { workspaceId: membership.workspaceId, q })
    return { slug: membership.slug, q, hits: result.hits, error: null }
  } catch (error) {
    return { slug: membership.slug, q, hits: null, error: pageErrorOf(error).error }
  }
}

export default function SearchPage() {
  const { slug, q, hits, error } = useLoaderData<typeof loader>()
  const { t } = useTranslation('tasks')
  return (
    <section aria-labelledby="search-title" className="search-page">
      <h1 id="search-title">{t('search.title')}</h1>
      <Form method="get" role="search" className="search-form">
        <label htmlFor="search-q">{t('search.label')}</label>
        <div className="search-row">
          <input id="search-q" type="search" name="q" defaultValue={q} maxLength={200} aria-describedby="search-help" />
          <button type="submit">{t('search.submit')}</button>
        </div>
        <p id="search-help" className="muted">
          {t('search.help')}
        </p>
      </Form>
      <FormMessage error={error} id="search-error" />
      {hits ? (
        <div aria-live="polite">
          <h2>{hits.length ? t('search.results', { count: hits.length, q }) : t('search.none', { q })}</h2>
          <ol className="search-results">
            {hits.map((hit) => {
              const href =
                hit.kind === 'task'
                  ? `/w/${slug}/tasks/${hit.taskId}`
                  : `/w/${slug}/assignments/${hit.assignmentId}${hit.commentId ? `#comment-${hit.commentId}` : ''}`
              const assignee = hit.countryCode ?? hit.organisationCode ?? (hit.assigneeKind === 'secretariat' ? t('assignments.secretariat') : null)
              return (
                <li key={`${hit.kind}-${hit.taskId}-${hit.assignmentId ?? ''}-${hit.commentId ?? ''}`}>
                  <p className="hit-title">
                    <span className="kind">{t(`search.kinds.${hit.kind}`)}</span>{' '}
                    <Link to={href}>
                      <span className="code">{hit.taskCode}</span> {hit.taskTitle}
                      {assignee ? ` — ${assignee}` : ''}
                      {hit.period ? ` (${t('search.period', { period: hit.period })})` : ''}
                    </Link>
                  </p>
                  <p className="snippet">
                    {hit.snippet.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
                  </p>
                </li>
              )
            })}
          </ol>
        </div>
      ) : null}
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="search" />
}

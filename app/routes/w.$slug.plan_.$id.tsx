import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { PlanProgress } from '#app/components/plan-progress.tsx'
import { RouteError } from '#app/components/route-error.tsx'
import { getPlanNode, isAppError } from '#app/utils/plan.server.ts'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { PlanBreadcrumb } from '#app/components/plan-breadcrumb.tsx'

export const handle = { i18n: ['plan'] }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** One objective or action line of the plan: where it sits, its progress, and what is under it (an action line's tasks). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const notFound = () => new Response('Not Found', { status: 404, statusText: 'Not Found' })
  if (!UUID.test(params.id ?? '')) throw notFound()
  try {
    const node = await getPlanNode(actor, { workspaceId: membership.workspaceId, nodeId: params.id as string })
    return { slug: membership.slug, node }
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') throw notFound()
    throw error
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const self = data?.node.path.at(-1)
  return [{ title: data && self ? `${self.code} ${self.title} · ${data.node.planTitle} · Ruta` : 'Ruta' }]
}

export default function PlanNodePage() {
  const { slug, node } = useLoaderData<typeof loader>()
  const { t } = useTranslation('plan')
  const self = node.path[node.path.length - 1]
  const ancestors = node.path.slice(0, -1)
  if (!self) return null
  return (
    <section aria-labelledby="plan-node-title">
      <PlanBreadcrumb slug={slug} label={t('breadcrumb')} planLabel={node.planTitle} path={ancestors} />
      <h1 id="plan-node-title">
        <span className="kind">{t(`kinds.${self.kind}`)}</span> <span className="code">{self.code}</span> {self.title}
      </h1>
      <PlanProgress progress={node.progress} />
      {node.children.length === 0 ? (
        <p>{t('nothingUnder')}</p>
      ) : (
        <ol className="plan-tree" aria-label={t('childrenOf', { code: self.code })}>
          {node.children.map((child) => {
            const labelId = `node-${child.id}`
            return (
              <li key={child.id} className={`plan-node${child.kind === 'task' ? ' task' : ''}`} aria-labelledby={labelId}>
                <span className="kind">{t(`kinds.${child.kind}`)}</span>
                <Link id={labelId} to={child.kind === 'task' ? `/w/${slug}/tasks/${child.id}` : `/w/${slug}/plan/${child.id}`}>
                  <span className="code">{child.code}</span> {child.title}
                </Link>
                <PlanProgress progress={child.progress} />
              </li>
            )
          })}
        </ol>
      )}
    </section>
  )
}

export function ErrorBoundary() {
  return <RouteError id="plan-node" />
}

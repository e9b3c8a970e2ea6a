import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { PlanProgress } from '#app/components/plan-progress.tsx'
import { RouteError } from '#app/components/route-error.tsx'
import { requireWorkspace } from '#app/utils/workspace.server.ts'
import { getPlanOutline } from '#app/utils/plan.server.ts'
import type { TPlanOutlineNode } from '#server/services/plan/get-plan-outline.ts'

export const handle = { i18n: ['plan'] }

/**
 * The plan: objectives and action lines with their progress. An action line's
 * tasks are on its own page (/w/<slug>/plan/<id>), so this page stays the same
 * size however many tasks the plan holds.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor, membership } = requireWorkspace(context, params.slug, request)
  const tree = await getPlanOutline(actor, { workspaceId: membership.workspaceId })
  return { slug: membership.slug, workspaceName: membership.name, tree }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.tree.title ? `${data.tree.title} · Ruta` : 'Ruta' }]

/** Heading level by depth: the page title is h1, general objectives h2, specific objectives h3, action lines h4. */
const HEADINGS = ['h2', 'h3', 'h4'] as const

export default function PlanPage() {
  const { slug, workspaceName, tree } = useLoaderData<typeof loader>()
  const { t } = useTranslation('plan')
  const layout = useRouteLoaderData<{ role?: string }>('routes/w.$slug')
  return (
    <section aria-labelledby="plan-title">
      <h1 id="plan-title">{tree.title ?? t('title')}</h1>
      <p className="muted">{t('workspace', { name: workspaceName })}</p>
      {layout?.role === 'secretariat' ? (
        <p>
          <Link to={`/w/${slug}/plan/edit`}>{t('editPlan')}</Link>
        </p>
      ) : null}
      {tree.nodes.length === 0 ? (
        <p>{t('empty')}</p>
      ) : (
        <ol className="plan-tree" aria-label={t('treeLabel')}>
          {tree.nodes.map((node) => (
            <PlanNode key={node.id} node={node} depth={0} slug={slug} />
          ))}
        </ol>
      )}
    </section>
  )
}

function PlanNode({ node, depth, slug }: { node: TPlanOutlineNode; depth: number; slug: string }) {
  const { t } = useTranslation('plan')
  const labelId = `node-${node.id}`
  const Heading = HEADINGS[Math.min(depth, HEADINGS.length - 1)] ?? 'h4'
  return (
    <li className="plan-node" aria-labelledby={labelId}>
      <Heading id={labelId}>
        <span className="kind">{t(`kinds.${node.kind}`)}</span> <span className="code">{node.code}</span> {node.title}
      </Heading>
      <PlanProgress progress={node.progress} />
      {node.tasks > 0 ? (
        <p className="plan-node-tasks">
          <Link to={`/w/${slug}/plan/${node.id}`}>{t('tasksOf', { count: node.tasks, code: node.code })}</Link>
        </p>
      ) : null}
      {node.children.length > 0 ? (
        <ol aria-label={t('childrenOf', { code: node.code })}>
          {node.children.map((child) => (
            <PlanNode key={child.id} node={child} depth={depth + 1} slug={slug} />
          ))}
        </ol>
      ) : null}
    </li>
  )
}

export function ErrorBoundary() {
  return <RouteError id="plan" />
}

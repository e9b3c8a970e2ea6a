import { Link } from '@remix-run/react'

interface TPlanPlace {
  id: string
  code: string
  title: string
}

/**
 * Where an item sits in the plan: the plan, then each enclosing objective or
 * action line linked to its own plan page, then (for an assignment) its task.
 */
export function PlanBreadcrumb({ slug, label, planLabel, path, task }: { slug: string; label: string; planLabel: string; path: TPlanPlace[]; task?: TPlanPlace }) {
  return (
    <nav aria-label={label} className="breadcrumb">
      <ol>
        <li>
          <Link to={`/w/${slug}/plan`}>{planLabel}</Link>
        </li>
        {path.map((p) => (
          <li key={p.id}>
            <Link to={`/w/${slug}/plan/${p.id}`}>
              <span className="code">{p.code}</span> {p.title}
            </Link>
          </li>
        ))}
        {task ? (
          <li>
            <Link to={`/w/${slug}/tasks/${task.id}`}>
              <span className="code">{task.code}</span> {task.title}
            </Link>
          </li>
        ) : null}
      </ol>
    </nav>
  )
}

import type { ReactNode } from 'react'

/**
 * A table named by its heading (`labelledBy`), one header cell per column,
 * that scrolls sideways on a narrow screen instead of widening the page.
 */
export function DataTable({ labelledBy, columns, children }: { labelledBy: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}

/**
 * The page's announcement area: a success notice (role=status) and a
 * refusal (role=alert), inside one polite live region so screen readers
 * read what a form submission did.
 */
export function LiveMessages({ notice, error }: { notice?: string | null; error?: string | null }) {
  return (
    <div aria-live="polite" aria-atomic="true">
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}

/**
 * A refused submission's message, announced as soon as it shows
 * (role=alert). The fields it is about name its `id` in aria-describedby.
 */
export function ErrorMessage({ id, message, className = 'form-error' }: { id?: string; message: string | null; className?: 'form-error' | 'field-error' }) {
  if (!message) return null
  return (
    <p className={className} role="alert" id={id}>
      {message}
    </p>
  )
}

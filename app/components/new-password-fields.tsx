import { describedField } from './field.ts'

interface Props {
  /** Prefix of the ids: `${id}-password`, `${id}-password-hint`, `${id}-password-confirm`. */
  id: string
  /** The id of the form's error, and the field it names. */
  errorId: string
  errorField: string | undefined
  labels: { password: string; hint: string; again: string }
}

/**
 * A new password (12 to 200 characters, as the server checks) with its hint,
 * and the same again: accepting an invitation and resetting a password ask
 * for it alike.
 */
export function NewPasswordFields({ id, errorId, errorField, labels }: Props) {
  return (
    <>
      <label htmlFor={`${id}-password`}>{labels.password}</label>
      <input
        id={`${id}-password`}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        maxLength={200}
        {...describedField(errorField === 'password', errorId, `${id}-password-hint`)}
      />
      <p className="muted" id={`${id}-password-hint`}>
        {labels.hint}
      </p>
      <label htmlFor={`${id}-password-confirm`}>{labels.again}</label>
      <input
        id={`${id}-password-confirm`}
        name="passwordConfirm"
        type="password"
        autoComplete="new-password"
        required
        maxLength={200}
        {...describedField(errorField === 'passwordConfirm', errorId)}
      />
    </>
  )
}

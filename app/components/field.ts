/**
 * The ARIA attributes of a form control: `aria-invalid` while its error
 * shows, and `aria-describedby` naming the error (when it shows) and any
 * hints, so a screen reader reads the message and the hint with the field.
 */
export function describedField(invalid: boolean, errorId: string, ...hintIds: string[]) {
  const describedBy = [...(invalid ? [errorId] : []), ...hintIds].join(' ')
  return { 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy || undefined }
}

/**
 * The input of the address a person signs in with (sign-in, forgotten
 * password): typed as an e-mail address, filled in by password managers as
 * the username, never capitalised or spell-checked; 320 characters at most.
 */
export const accountEmailInput = {
  name: 'email',
  type: 'email',
  autoComplete: 'username',
  inputMode: 'email',
  autoCapitalize: 'none',
  spellCheck: false,
  required: true,
  maxLength: 320,
} as const

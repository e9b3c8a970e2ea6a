/**
 * The ARIA attributes of a form control: `aria-invalid` while its error
 * shows, and `aria-describedby` naming the error (when it shows) and any
 * hints, so a screen reader reads the message and the hint with the field.
 */
export function describedField(invalid: boolean, errorId: string, ...hintIds: string[]) {
  const describedBy = [...(invalid ? [errorId] : []), ...hintIds].join(' ')
  return { 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy || undefined }
}

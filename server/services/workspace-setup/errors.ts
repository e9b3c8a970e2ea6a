import { AppError } from '#server/errors.ts'

/** Adding and renaming refuse an organisation code the workspace already uses with the same message. */
export function organisationCodeTaken(code: string) {
  return new AppError('BAD_REQUEST', `code: this workspace already has an organisation ${code}`, {
    field: 'code',
    i18n: { key: 'workspace:errors.organisationCodeTaken', values: { code } },
  })
}

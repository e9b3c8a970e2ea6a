// Server-only entry points of the follow-up routes (unsubscribe, status
// links, e-mail log, Resend webhook): a *.server.ts file never reaches the
// browser bundle.
export { listEmailLogPage } from '#server/services/follow-up/list-email-log.ts'
export { recordResendEvent } from '#server/services/follow-up/record-resend-event.ts'
export { openStatusLink, submitStatusLink, type TStatusLinkView } from '#server/services/follow-up/status-link.ts'
export { inspectUnsubscribe, unsubscribe, type TUnsubscribeView } from '#server/services/follow-up/unsubscribe.ts'
export { isAppError } from '#server/errors.ts'

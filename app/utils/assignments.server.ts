// Server services the assignment pages (home, board, assignment, evidence)
// call, re-exported from this `.server` module so that the browser bundle
// never sees them.
export { HTTP_STATUS, isAppError, type AppError } from '#server/errors.ts'
export { translator } from '#server/i18n.ts'
export { addComment } from '#server/services/assignments/add-comment.ts'
export { addEvidence } from '#server/services/assignments/add-evidence.ts'
export { downloadEvidence } from '#server/services/assignments/download-evidence.ts'
export { MAX_EVIDENCE_BYTES } from '#server/services/assignments/file-types.ts'
export { getAssignment, type AssignmentDetail } from '#server/services/assignments/get-assignment.ts'
export { listAssignments } from '#server/services/assignments/list-assignments.ts'
export { listBoardOptions } from '#server/services/assignments/list-board-options.ts'
export { listHomeAssignments, type HomeGroup, type HomeItem } from '#server/services/assignments/list-home-assignments.ts'
export type { AssignmentItem } from '#server/services/assignments/present.ts'
export { returnAssignment } from '#server/services/assignments/return-assignment.ts'
export type { TListAssignments, TUpdateAssignment } from '#server/services/assignments/schemas.ts'
export { updateAssignment } from '#server/services/assignments/update-assignment.ts'
export { verifyAssignment } from '#server/services/assignments/verify-assignment.ts'

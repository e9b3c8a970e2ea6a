/**
 * Which uploaded files are accepted as evidence: the extension must be one
 * of these AND the first bytes must be what that kind of file starts with
 * (content sniffing), so a renamed executable or HTML page is refused. The
 * stored content type comes from this table, never from the browser.
 */
export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

interface Kind {
  extensions: string[]
  contentType: string
  matches: (b: Buffer) => boolean
}

const startsWith = (b: Buffer, bytes: number[], offset = 0) => b.length >= offset + bytes.length && bytes.every((x, i) => b[offset + i] === x)
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0))
const ZIP = [0x50, 0x4b, 0x03, 0x04]
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
/** An Office Open XML package names its main part early (in [Content_Types].xml and the file list). */
const zipWith = (part: string) => (b: Buffer) => startsWith(b, ZIP) && b.includes(part, 0, 'latin1')

const KINDS: Kind[] = [
  { extensions: ['pdf'], contentType: 'application/pdf', matches: (b) => startsWith(b, ascii('%PDF-')) },
  { extensions: ['docx'], contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', matches: zipWith('word/') },
  { extensions: ['xlsx'], contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', matches: zipWith('xl/') },
  { extensions: ['pptx'], contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', matches: zipWith('ppt/') },
  { extensions: ['odt'], contentType: 'application/vnd.oasis.opendocument.text', matches: zipWith('application/vnd.oasis.opendocument.text') },
  { extensions: ['ods'], contentType: 'application/vnd.oasis.opendocument.spreadsheet', matches: zipWith('application/vnd.oasis.opendocument.spreadsheet') },
  { extensions: ['doc'], contentType: 'application/msword', matches: (b) => startsWith(b, OLE2) },
  { extensions: ['xls'], contentType: 'application/vnd.ms-excel', matches: (b) => startsWith(b, OLE2) },
  { extensions: ['ppt'], contentType: 'application/vnd.ms-powerpoint', matches: (b) => startsWith(b, OLE2) },
  { extensions: ['png'], contentType: 'image/png', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { extensions: ['jpg', 'jpeg'], contentType: 'image/jpeg', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { extensions: ['gif'], contentType: 'image/gif', matches: (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')) },
  { extensions: ['webp'], contentType: 'image/webp', matches: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
]

export const ALLOWED_EXTENSIONS = KINDS.flatMap((k) => k.extensions)

/** The content type to store, or null when the name or the bytes are not an allowed kind. */
export function sniffEvidence(fileName: string, data: Buffer): string | null {
  const extension = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1]
  if (!extension) return null
  const kind = KINDS.find((k) => k.extensions.includes(extension))
  return kind && kind.matches(data) ? kind.contentType : null
}

// html-to-text ships no types (it comes with @react-email/render); only what render.ts uses.
declare module 'html-to-text' {
  export function compile(options?: Record<string, unknown>): (html: string) => string
}

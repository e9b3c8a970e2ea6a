type Tree = { [key: string]: string | Tree }

/**
 * Declares a namespace in the three languages. Spanish is the reference:
 * Portuguese and English must have the same keys (checked by a unit test).
 */
export function defineMessages<T extends Tree>(messages: { es: T; pt: T; en: T }) {
  return messages
}

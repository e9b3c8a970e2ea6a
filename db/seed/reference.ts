import type { Locale } from '#db/types.ts'

/** The twelve member states of the South American Conference on Migration. */
export const SACM_COUNTRIES: { code: string; es: string; pt: string; en: string; locale: Locale; timeZone: string }[] = [
  { code: 'AR', es: 'Argentina', pt: 'Argentina', en: 'Argentina', locale: 'es', timeZone: 'America/Argentina/Buenos_Aires' },
  { code: 'BO', es: 'Bolivia', pt: 'Bolívia', en: 'Bolivia', locale: 'es', timeZone: 'America/La_Paz' },
  { code: 'BR', es: 'Brasil', pt: 'Brasil', en: 'Brazil', locale: 'pt', timeZone: 'America/Sao_Paulo' },
  { code: 'CL', es: 'Chile', pt: 'Chile', en: 'Chile', locale: 'es', timeZone: 'America/Santiago' },
  { code: 'CO', es: 'Colombia', pt: 'Colômbia', en: 'Colombia', locale: 'es', timeZone: 'America/Bogota' },
  { code: 'EC', es: 'Ecuador', pt: 'Equador', en: 'Ecuador', locale: 'es', timeZone: 'America/Guayaquil' },
  { code: 'GY', es: 'Guyana', pt: 'Guiana', en: 'Guyana', locale: 'en', timeZone: 'America/Guyana' },
  { code: 'PY', es: 'Paraguay', pt: 'Paraguai', en: 'Paraguay', locale: 'es', timeZone: 'America/Asuncion' },
  { code: 'PE', es: 'Perú', pt: 'Peru', en: 'Peru', locale: 'es', timeZone: 'America/Lima' },
  // Dutch is Suriname's language; until Ruta speaks it, English is the nearest.
  { code: 'SR', es: 'Surinam', pt: 'Suriname', en: 'Suriname', locale: 'en', timeZone: 'America/Paramaribo' },
  { code: 'UY', es: 'Uruguay', pt: 'Uruguai', en: 'Uruguay', locale: 'es', timeZone: 'America/Montevideo' },
  { code: 'VE', es: 'Venezuela', pt: 'Venezuela', en: 'Venezuela', locale: 'es', timeZone: 'America/Caracas' },
]

export const SACM_ORGANISATIONS = [
  { code: 'IOM', name: 'International Organization for Migration (IOM)' },
  { code: 'ILO', name: 'International Labour Organization (ILO)' },
  { code: 'ECLAC', name: 'Economic Commission for Latin America and the Caribbean (ECLAC)' },
]

export const SACM_WORKSPACE = { slug: 'sacm', name: 'South American Conference on Migration', defaultLocale: 'es' as Locale, timeZone: 'America/Lima' }

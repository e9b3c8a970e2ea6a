import { z } from 'zod'

/**
 * All configuration, parsed once at boot by the web server, the worker and
 * every command. A bad value stops start-up with a message naming the
 * variable, never a stack trace.
 */
const ZBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

const ZEnvInput = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535'))
    .default(3000),
  APP_URL: z
    .url({ message: 'must be an absolute http(s) URL, such as https://ruta.example.org' })
    .refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
    .optional(),
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/ruta')
    .refine(isPostgresUrl, 'must be a postgres:// URL with a database name, such as postgres://postgres@127.0.0.1:5432/ruta'),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine(isRedisUrl, 'must be a redis:// URL, such as redis://127.0.0.1:6379'),
  DEMO: ZBool.optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_MAX_AGE_HOURS: z.coerce.number({ message: 'must be a number' }).positive('must be positive').default(12),
  SESSION_IDLE_MINUTES: z.coerce.number({ message: 'must be a number' }).positive('must be positive').default(30),
  RESEND_API_KEY: z.string().min(1).optional(),
  RESEND_BASE_URL: z.url({ message: 'must be an absolute URL' }).optional(),
  /** The signing secret of Resend's webhooks (bounces, complaints); unset: the endpoint answers 404. */
  RESEND_WEBHOOK_SECRET: z.string().min(8, 'must be the whsec_… secret Resend shows').optional(),
  EMAIL_FROM: z.string().min(3).default('Ruta <no-reply@ruta.local>'),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9:_-]+$/i, 'letters, digits, ":", "_" and "-" only').default('ruta'),
  /** The reminder sweep's slices, claimed in parallel: one database core each (run-reminder-sweep.ts). */
  REMINDER_SWEEP_PARTS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 16')
    .max(16, 'must be between 1 and 16')
    .default(2),
  WORKER_SHUTDOWN_SECONDS: z.coerce.number({ message: 'must be a number' }).positive().default(30),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
})

function isPostgresUrl(value: string) {
  try {
    const url = new URL(value)
    return /^postgres(ql)?:$/.test(url.protocol) && url.pathname.length > 1
  } catch {
    return false
  }
}

function isRedisUrl(value: string) {
  try {
    return /^rediss?:$/.test(new URL(value).protocol)
  } catch {
    return false
  }
}

export type Env = Omit<z.output<typeof ZEnvInput>, 'APP_URL' | 'DEMO'> & {
  APP_URL: string
  DEMO: boolean
  /** true when APP_URL is https: Secure cookies, __Host- names, HSTS. */
  SECURE: boolean
  APP_ORIGIN: string
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings count as unset, as in most twelve-factor tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''))
  const result = ZEnvInput.safeParse(cleaned)
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got "${cleaned[String(i.path[0])] ?? ''}")`))
  }
  const parsed = result.data
  const appUrl = (parsed.APP_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '')
  const url = new URL(appUrl)
  const demo = parsed.DEMO ?? ['localhost', '127.0.0.1'].includes(url.hostname)
  if (!demo && !parsed.SESSION_SECRET) {
    throw new ConfigError(['SESSION_SECRET: required outside demo mode (at least 32 random characters)'])
  }
  return { ...parsed, APP_URL: appUrl, APP_ORIGIN: url.origin, DEMO: demo, SECURE: url.protocol === 'https:' }
}

let cached: Env | undefined

/** The process's configuration, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv()
  return cached
}

/** For tests that change process.env between cases. */
export function resetEnvForTests() {
  cached = undefined
}

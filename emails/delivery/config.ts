import { z } from 'zod'

/**
 * Delivery tuning, read from the environment (tests shorten the waits).
 * EMAIL_BATCH_LEASE_SECONDS: how long a sender owns a batch it is sending
 * before another may take it over (a killed worker's batch comes back).
 * EMAIL_BACKOFF_MS: the first wait after a 5xx or network failure, doubled
 * each time. EMAIL_MAX_ATTEMPTS: tries per batch within one run.
 * EMAIL_RATE_PER_SECOND: requests per second to Resend until its
 * `ratelimit-limit` header says otherwise (Resend's default team limit is 2).
 * EMAIL_MAX_IN_FLIGHT: batches formed ahead and sent concurrently (the
 * pacing, not this, keeps the rate).
 */
const ZDeliveryConfig = z.object({
  EMAIL_BATCH_LEASE_SECONDS: z.coerce.number().positive().default(60),
  EMAIL_BACKOFF_MS: z.coerce.number().nonnegative().default(1000),
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().positive().default(6),
  EMAIL_RATE_PER_SECOND: z.coerce.number().positive().default(2),
  EMAIL_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(4),
})

export function deliveryConfig() {
  const parsed = ZDeliveryConfig.safeParse(process.env)
  if (!parsed.success) throw new Error(`Delivery configuration is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return parsed.data
}

import { closeDb } from '#server/db.ts'
import { isAppError } from '#server/errors.ts'
import { ADMIN_LINK_TTL_MS, createAdminUser } from '#server/services/admin/create-admin-user.ts'
import { checkPostgres, fail, loadConfig, prepareDatabase } from './lib/preflight.ts'

/**
 * `npm run admin:create -- <email>`: how a real deployment gets its first
 * account. Creates the instance admin (or makes an existing user admin) and
 * prints a one-time link, valid 24 hours, to set the password.
 */
const args = process.argv.slice(2).filter((a) => a !== '--')
if (args.length !== 1 || args[0].startsWith('-')) {
  fail('Usage: npm run admin:create -- <email>\n  Creates the instance administrator and prints a one-time link to set the password.')
}
const email = args[0]

const config = loadConfig()
await checkPostgres(config)
await prepareDatabase(config)

try {
  const result = await createAdminUser(email)
  const hours = ADMIN_LINK_TTL_MS / 3_600_000
  console.log(
    result.created
      ? `Created the instance administrator ${result.email}.`
      : result.wasAdmin
        ? `${result.email} is already an instance administrator; here is a new link to set the password.`
        : `${result.email} already had an account; it is now an instance administrator.`,
  )
  console.log(`\nOpen this link within ${hours} hours to set the password (it works once):\n\n  ${result.link}\n`)
} catch (error) {
  await closeDb()
  if (isAppError(error) && error.code === 'BAD_REQUEST') fail(`"${email}" is not a valid e-mail address.`)
  throw error
}
await closeDb()

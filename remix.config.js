/**
 * Classic Remix compiler (not Vite), fixed by the customer.
 *
 * App code (`#app/*`) is bundled. Server-side modules (`#server/*`, `#db/*`,
 * `#emails/*`, `#jobs/*`) stay external: the Express server runs under tsx and
 * the Remix build imports them at run time, so the web process holds exactly
 * one database pool, one Redis connection and one set of queues.
 */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ['**/.*', '**/*.test.*', '**/*.server.ts'],
  serverModuleFormat: 'esm',
  serverDependenciesToBundle: [/^#app\//, 'remix-i18next', /^remix-i18next\//],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
}

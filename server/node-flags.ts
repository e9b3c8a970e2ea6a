/**
 * Node flags of the web process (scripts/start.ts, and the benchmark's web
 * server). A deployment setting: under 32 concurrent requests V8's default
 * limit (a quarter of the machine's memory) lets short-lived garbage — page
 * HTML, loader data, the plan tree's JSON — grow the heap long before a full
 * collection, and the process reached ~420 MB RSS at full benchmark scale
 * with ~50 MB live. Capped, V8 collects sooner; the cap leaves room for
 * 32 concurrent plan.tree answers (~2 MB each while built). The young
 * generation's semi-spaces go from 16 to 32 MB: a request's garbage (rows,
 * items, JSON) then dies in fewer scavenges — about 8 % more API requests
 * per second in the benchmark for about 40 MB more RSS. See the README's
 * Decisions (2026-12-04) for the figures.
 */
export const WEB_NODE_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=32']

import { ensureProductionBuild } from '../../scripts/lib/build.ts'

/** Builds the Remix app when build/ is missing, stale or a development build (browser and HTTP tests need it). */
export function ensureBuild() {
  ensureProductionBuild()
}

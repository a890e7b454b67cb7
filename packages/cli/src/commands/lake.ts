import { QuarryError, parseDuration } from '@quarry/common';
import { LakeConnector, loadCatalogs } from '@quarry/connectors';
import { catalogConfigDir, type CommonFlags } from '../config.js';

/**
 * `quarry lake gc --older-than 24h [--catalog NAME]`: in every lake catalog of the configuration (or
 * the one named), deletes staged files that no table version lists once their newest file is older
 * than that, and finishes interrupted DROPs.
 */
export async function runLakeGc(
  flags: CommonFlags & { olderThan: string; catalog?: string },
): Promise<number> {
  const olderThanMs = parseDuration(flags.olderThan, '--older-than');
  const dir = catalogConfigDir(flags);
  const catalogs = loadCatalogs(dir);
  try {
    const lakes = catalogs
      .names()
      .filter((name) => flags.catalog === undefined || name === flags.catalog)
      .map((name) => [name, catalogs.get(name)] as const)
      .filter((entry): entry is readonly [string, LakeConnector] => entry[1] instanceof LakeConnector);
    if (lakes.length === 0) {
      throw new QuarryError(
        'INVALID_ARGUMENTS',
        flags.catalog === undefined
          ? `no lake catalog in ${dir ?? 'the configuration (no catalog directory)'}`
          : `'${flags.catalog}' is not a lake catalog in ${dir ?? 'the configuration (no catalog directory)'}`,
      );
    }
    for (const [name, lake] of lakes) {
      const report = await lake.gc(olderThanMs);
      for (const r of report.removed) {
        process.stdout.write(
          `${name}: removed ${r.dir} (${r.table}): ${r.files} files, ${r.bytes} bytes, newest ${r.newest.toISOString()}\n`,
        );
      }
      for (const t of report.dropsFinished) process.stdout.write(`${name}: finished dropping ${t}\n`);
      process.stdout.write(
        `${name}: ${report.removed.length} staging director${report.removed.length === 1 ? 'y' : 'ies'} removed, ${report.kept} kept (newer than ${flags.olderThan})\n`,
      );
    }
    return 0;
  } finally {
    await catalogs.close();
  }
}

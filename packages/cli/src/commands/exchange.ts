import { parseDuration } from '@quarry/common';
import { gcExchange } from '@quarry/exchange';
import { exchangeConfig, type CommonFlags } from '../config.js';

/** `quarry exchange gc --older-than 24h`: removes query directories whose newest file is older than that. */
export async function runExchangeGc(flags: CommonFlags & { olderThan: string }): Promise<number> {
  const olderThanMs = parseDuration(flags.olderThan, '--older-than');
  const { exchange } = exchangeConfig(flags);
  const report = await gcExchange(exchange, olderThanMs);
  for (const r of report.removed) {
    process.stdout.write(
      `removed ${r.queryId}: ${r.files} files, ${r.bytes} bytes, newest ${r.newest.toISOString()}\n`,
    );
  }
  process.stdout.write(
    `${report.removed.length} query director${report.removed.length === 1 ? 'y' : 'ies'} removed, ${report.kept} kept\n`,
  );
  return 0;
}

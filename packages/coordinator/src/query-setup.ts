import { QuarryError } from '@quarry/common';
import { exchangeCodecFor, generateExchangeKey, type ExchangeConfig } from '@quarry/exchange';
import type { Membership } from '@quarry/runtime';
import type { RetryPolicyName } from './retry-policy.js';
import { sessionTimeLimits, type TimeLimits } from './time-limits.js';

type ExchangeSettings = { codec: 'NONE' | 'LZ4' | 'ZSTD'; secretKey?: Uint8Array };

/**
 * How a query's exchange files are written: the codec, and its key — new, or as an earlier leader
 * recorded it (`restored`: sealed with the shared secret). `taskExchange` is what task specs (and
 * the records) carry: the key only sealed, so whoever lacks the shared secret learns nothing.
 */
export function queryExchange(
  config: ExchangeConfig,
  membership: Membership | undefined,
  query: { readonly id: string; readonly policy: RetryPolicyName },
  restored?: { taskKey: Uint8Array | undefined },
): { exchange: ExchangeSettings; taskExchange: ExchangeSettings } {
  const { id: queryId, policy } = query;
  const codec = exchangeCodecFor(config, policy);
  let key: Uint8Array | undefined;
  let sealed: Uint8Array | undefined;
  if (restored) {
    sealed = restored.taskKey;
    key = sealed && membership ? membership.open(sealed, queryId) : sealed;
  } else {
    key = config.encryptionEnabled ? generateExchangeKey() : undefined;
    sealed = key && membership ? membership.seal(key, queryId) : key;
  }
  return {
    exchange: { codec, ...(key ? { secretKey: key } : {}) },
    taskExchange: { codec, ...(sealed ? { secretKey: sealed } : {}) },
  };
}

/** A session's time limits; a malformed duration is the session property's error. */
export function sessionLimits(cluster: TimeLimits, props: Readonly<Record<string, string>>): TimeLimits {
  try {
    return sessionTimeLimits(cluster, props);
  } catch (e) {
    throw new QuarryError('INVALID_SESSION_PROPERTY', (e as Error).message, { cause: e });
  }
}

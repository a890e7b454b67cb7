import { QuarryError, isSafeId, newQueryId } from '@quarry/common';
import { USER_PATTERN, decodeSubmitRequest } from '@quarry/protocol';

export interface Submission {
  readonly sql: string;
  readonly queryId: string;
  readonly session: Readonly<Record<string, string>>;
  /** The client's secret for this submission, when it sent one (see `Capabilities`). */
  readonly clientSecret?: string;
  /** Who it runs for, as the client says; absent: `anonymous`. */
  readonly user?: string;
  /** Capabilities of other queries of the submitter, and an admin token: what `system.runtime` shows it. */
  readonly capabilities?: readonly string[];
  readonly adminToken?: string;
}

/**
 * Validates a decoded submission (JSON or msgpack); every problem is an error that names it. The
 * schema (`SubmitRequestSchema`) is the authority; the checks before it only put the mistakes
 * people make by hand (no `sql`, a stray field, a bad id) in friendlier words than a JSON pointer.
 */
export function parseSubmission(raw: unknown, maxLength: number): Submission {
  explainCommonMistakes(raw, maxLength);
  const request = decodeSubmitRequest(raw);
  const session: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.session ?? {})) session[k] = String(v);
  return {
    sql: request.sql,
    queryId: request.queryId ?? newQueryId(),
    session,
    ...(request.clientSecret !== undefined ? { clientSecret: request.clientSecret } : {}),
    ...(request.user !== undefined ? { user: request.user } : {}),
    ...(request.capabilities !== undefined ? { capabilities: request.capabilities } : {}),
    ...(request.adminToken !== undefined ? { adminToken: request.adminToken } : {}),
  };
}

function explainCommonMistakes(raw: unknown, maxLength: number): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new QuarryError(
      'INVALID_SUBMISSION',
      'Submission must be an object: {"sql": "...", "queryId"?: "...", "session"?: {...}}',
    );
  }
  const r = raw as Record<string, unknown>;
  const known = new Set(['sql', 'queryId', 'session', 'clientSecret', 'user', 'capabilities', 'adminToken']);
  const unknown = Object.keys(r).filter((k) => !known.has(k));
  if (unknown.length)
    throw new QuarryError('INVALID_SUBMISSION', `Unknown submission field(s): ${unknown.join(', ')}`);
  if (typeof r['sql'] !== 'string') {
    throw new QuarryError(
      'INVALID_SUBMISSION',
      r['sql'] === undefined ? "Submission has no 'sql' field" : "Submission field 'sql' must be a string",
    );
  }
  const sql = r['sql'];
  if (sql.trim() === '') throw new QuarryError('INVALID_SUBMISSION', "Submission field 'sql' is empty");
  if (sql.length > maxLength) {
    throw new QuarryError(
      'QUERY_TEXT_TOO_LARGE',
      `Query text length (${sql.length}) exceeds the maximum length (${maxLength})`,
    );
  }
  if (r['queryId'] !== undefined && (typeof r['queryId'] !== 'string' || !isSafeId(r['queryId']))) {
    throw new QuarryError(
      'INVALID_SUBMISSION',
      "Submission field 'queryId' must be 1–128 letters, digits, '_' or '-'",
    );
  }
  if (
    r['user'] !== undefined &&
    (typeof r['user'] !== 'string' || !new RegExp(USER_PATTERN).test(r['user']))
  ) {
    throw new QuarryError(
      'INVALID_SUBMISSION',
      "Submission field 'user' must be 1–128 letters, digits, '_', '.', '@', '+' or '-'",
    );
  }
  if (r['session'] !== undefined) {
    const s = r['session'];
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      throw new QuarryError(
        'INVALID_SUBMISSION',
        "Submission field 'session' must be an object of properties",
      );
    }
    for (const [k, v] of Object.entries(s)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new QuarryError(
          'INVALID_SESSION_PROPERTY',
          `Session property '${k}' must be a string, number or boolean`,
        );
      }
    }
  }
}

/** `--catalog`, `--schema` and the repeatable `--session name=value` as one session. */
export function parseSession(
  pairs: readonly string[],
  flags: { catalog?: string; schema?: string },
): Record<string, string> {
  const session: Record<string, string> = {};
  if (flags.catalog) session['catalog'] = flags.catalog;
  if (flags.schema) session['schema'] = flags.schema;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--session expects name=value, got '${pair}'`);
    session[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return session;
}

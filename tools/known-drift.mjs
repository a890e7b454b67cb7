// Problems tools/check-deps.mjs knows of and tolerates until they are removed: each is reported as
// "known, to be removed" and does not fail the check. A problem not listed here fails it, and so does
// an entry here that no longer matches anything — remove the entry with the fix, so this list shrinks.

/** Imports that break the layer table: { file, import } as the check reports them, and why: none left. */
export const KNOWN_IMPORTS = [];

/** Import cycles inside a package's src/, as the check reports them: none left. */
export const KNOWN_CYCLES = [];

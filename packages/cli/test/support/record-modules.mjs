// Preloaded with `node --import` by test/startup.test.ts: appends the URL of every module the
// process loads through the ESM loader (quarry's packages, and the entry of each package they
// import) to the file named by QUARRY_MODULE_LOG.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.QUARRY_MODULE_LOG, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

// Where the built UI is, for the server that serves it (`@quarry/trino-http`): this package's
// `dist/` folder, which `vite build` fills (`npm run build`). Plain JavaScript, so that it needs no
// build of its own.
import { fileURLToPath } from 'node:url';

/** The folder of the built UI (absolute); it may not exist yet. */
export const UI_DIRECTORY = fileURLToPath(new URL('./dist/', import.meta.url));

import { readFileSync } from 'node:fs';

/** The version of `@hangar/core` in use. */
export const hangarVersion: string = (() => {
  try {
    const file = new URL('../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0-unknown';
  }
})();

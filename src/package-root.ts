/** Where sagepipe's own files are (its images' build contexts, its programs), whether it runs from source or from dist/. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, SagepipeError } from './errors.ts';

/** The folder of sagepipe's own package.json, found upwards from this file (in `src/` or `dist/`). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new SagepipeError(ErrorCode.Internal, 'cannot find sagepipe\'s package.json', { fault: 'sagepipe' });
    dir = parent;
  }
  return dir;
}

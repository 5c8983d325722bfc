/** A file written to a temporary name and renamed into place, so a crash never leaves half of it. */
import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';

export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${randomUUID()}`;
  await writeFile(temp, content);
  await rename(temp, path);
}

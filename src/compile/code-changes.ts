/**
 * Whether step code changed on disk since an execution was started. A retry replays the execution's stored
 * definition, so it runs the code bundled then; users who fixed a script expect the fix, and are told otherwise.
 */
import { existsSync } from 'node:fs';
import { bundleScript } from './bundle.ts';

export interface CodeSource {
  /** The script on disk, absolute. */
  readonly Path: string;
  /** Where its bundle was staged: `s3://…/sagepipe/code/<sha256>/<file>`. */
  readonly S3Uri: string;
}

/** The scripts whose bundle today differs from the one the execution was started with. */
export async function changedCode(sources: readonly CodeSource[]): Promise<string[]> {
  const changed: string[] = [];
  for (const source of sources) {
    const staged = /\/code\/([0-9a-f]{64})\//.exec(source.S3Uri)?.[1];
    if (!staged || !existsSync(source.Path)) continue;
    try {
      if ((await bundleScript(source.Path)).sha256 !== staged) changed.push(source.Path);
    } catch {
      // It no longer compiles: that is a change too.
      changed.push(source.Path);
    }
  }
  return changed;
}

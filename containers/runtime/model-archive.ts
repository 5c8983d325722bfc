/** `model.tar.gz`, the artifact SageMaker training jobs produce: packing a model folder and extracting one. */
import { mkdir } from 'node:fs/promises';

// tar is loaded when an archive is read or written: a script bundling `sagepipe/container` for anything else (most
// processing scripts) then carries neither tar nor the zlib, stream and crypto modules it loads at start-up.
const loadTar = () => import('tar');

export async function extractModel(archive: string, destination: string): Promise<void> {
  await mkdir(destination, { recursive: true });
  const tar = await loadTar();
  await tar.x({ file: archive, cwd: destination, strict: true });
}

export async function packModel(directory: string, archive: string, files: readonly string[]): Promise<void> {
  const tar = await loadTar();
  await tar.c({ gzip: true, file: archive, cwd: directory, portable: true, noMtime: true }, [...files]);
}

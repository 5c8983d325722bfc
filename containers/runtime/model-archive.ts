/** `model.tar.gz`, the artifact SageMaker training jobs produce: packing a model folder and extracting one. */
import { mkdir } from 'node:fs/promises';
import * as tar from 'tar';

export async function extractModel(archive: string, destination: string): Promise<void> {
  await mkdir(destination, { recursive: true });
  await tar.x({ file: archive, cwd: destination, strict: true });
}

export async function packModel(directory: string, archive: string, files: readonly string[]): Promise<void> {
  await tar.c({ gzip: true, file: archive, cwd: directory, portable: true, noMtime: true }, [...files]);
}

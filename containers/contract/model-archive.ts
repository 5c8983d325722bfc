/**
 * `model.tar.gz`: how a training job's /opt/ml/model is packed (its files at the archive's root, sorted, without
 * owners or times, so the same model gives the same bytes) and how the host unpacks one for an inference container.
 */
import { mkdir } from 'node:fs/promises';
import * as tar from 'tar';

export async function extractModel(archive: string, destination: string): Promise<void> {
  await mkdir(destination, { recursive: true });
  await tar.x({ file: archive, cwd: destination, strict: true });
}

export async function packModel(directory: string, archive: string, files: readonly string[]): Promise<void> {
  await tar.c({ gzip: true, file: archive, cwd: directory, portable: true, noMtime: true }, [...files].sort());
}

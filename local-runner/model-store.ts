/** Models created by Model steps, shaped like DescribeModel, one JSON file each under `<workspace>/models/`. */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../src/definition/types.ts';
import { ErrorCode, SagepipeError } from '../src/errors.ts';
import { writeFileAtomic } from '../src/write-file-atomic.ts';

export class ModelStore {
  constructor(readonly root: string) {}

  private file(name: string): string {
    if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name)) {
      throw new SagepipeError(ErrorCode.ParameterInvalid, `'${name}' is not a valid model name (1-63 letters, digits and hyphens)`, { path: name });
    }
    return join(this.root, `${name}.json`);
  }

  async save(model: JsonObject & { ModelName: string }): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await writeFileAtomic(this.file(model.ModelName), `${JSON.stringify(model, null, 2)}\n`);
  }

  async describe(name: string): Promise<JsonObject> {
    try {
      return JSON.parse(await readFile(this.file(name), 'utf8')) as JsonObject;
    } catch (error) {
      if (error instanceof SagepipeError) throw error;
      throw new SagepipeError(ErrorCode.ResourceNotFound, `model '${name}' does not exist`, { path: name });
    }
  }

  async delete(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }

  async list(): Promise<JsonObject[]> {
    let files: string[];
    try {
      files = (await readdir(this.root)).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
    const out: JsonObject[] = [];
    for (const f of files) out.push(JSON.parse(await readFile(join(this.root, f), 'utf8')) as JsonObject);
    return out.sort((a, b) => String(b.CreationTime).localeCompare(String(a.CreationTime)));
  }
}

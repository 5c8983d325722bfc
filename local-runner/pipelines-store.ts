/**
 * The workspace's pipelines — created through serve (CreatePipeline) or by a local run — one JSON file each under
 * `<workspace>/pipelines/`, so the CLI, the library and serve see the same ones. Names are
 * checked against the service's pattern before they become file names, so no request reaches a file outside that
 * folder; files that are not a valid record (left by hand, or by an older version) are skipped, never fatal.
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/write-file-atomic.ts';
import { ErrorCode, SagepipeError } from '../src/errors.ts';
import type { PipelineRecord } from '../src/engine/target.ts';

/** SageMaker's PipelineName as a file name: letters, digits and hyphens. */
const PIPELINE_NAME = /^[A-Za-z0-9-]{1,256}$/;

export class PipelinesStore {
  constructor(readonly root: string) {}

  private file(name: string): string {
    if (!PIPELINE_NAME.test(name)) throw new SagepipeError(ErrorCode.UsageError, `'${name}' is not a valid pipeline name (1-256 letters, digits and hyphens)`, { path: name });
    return join(this.root, `${name}.json`);
  }

  private async read(name: string): Promise<PipelineRecord | undefined> {
    try {
      const r = JSON.parse(await readFile(this.file(name), 'utf8')) as PipelineRecord;
      return r && typeof r === 'object' && r.PipelineName === name && typeof r.PipelineDefinition === 'string' ? r : undefined;
    } catch {
      return undefined;
    }
  }

  /** The pipeline named `name`, compared without regard to case (ARNs carry names in lower case). */
  async get(name: string): Promise<PipelineRecord | undefined> {
    const exact = await this.read(name);
    if (exact) return exact;
    const wanted = name.toLowerCase();
    return (await this.list()).find((p) => p.PipelineName.toLowerCase() === wanted);
  }

  async put(record: PipelineRecord): Promise<void> {
    const file = this.file(record.PipelineName);
    await mkdir(this.root, { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  }

  async delete(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }

  async list(): Promise<PipelineRecord[]> {
    let files: string[];
    try {
      files = (await readdir(this.root)).filter((f) => f.endsWith('.json') && PIPELINE_NAME.test(f.slice(0, -5))).sort();
    } catch {
      return [];
    }
    const out: PipelineRecord[] = [];
    for (const f of files) {
      const r = await this.read(f.slice(0, -5));
      if (r) out.push(r);
    }
    return out;
  }
}

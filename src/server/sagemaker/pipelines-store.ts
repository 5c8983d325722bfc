/**
 * Pipelines created through the API (CreatePipeline): one JSON file each under `<workspace>/pipelines/`. Names are
 * checked against the service's pattern before they become file names, so no request reaches a file outside that
 * folder; files that are not a valid record (left by hand, or by an older version) are skipped, never fatal.
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../engine/store.ts';
import { validation } from '../http/api-error.ts';
import { PIPELINE_NAME } from './wire.ts';

export interface PipelineRecord {
  readonly PipelineName: string;
  readonly PipelineArn: string;
  PipelineDisplayName: string;
  PipelineDescription?: string;
  /** The definition exactly as submitted. */
  PipelineDefinition: string;
  RoleArn: string;
  PipelineStatus: 'Active';
  readonly CreationTime: string;
  LastModifiedTime: string;
  LastRunTime?: string;
  ParallelismConfiguration?: { MaxParallelExecutionSteps: number };
  /** Incremented by each UpdatePipeline that changes the definition (ListPipelineVersions). */
  PipelineVersionId?: number;
}

export class PipelinesStore {
  constructor(readonly root: string) {}

  private file(name: string): string {
    if (!PIPELINE_NAME.test(name)) throw validation(`'${name}' is not a valid pipeline name (1-256 letters, digits and hyphens)`);
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

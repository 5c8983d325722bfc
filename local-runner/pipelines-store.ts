/** Pipelines created through the API (CreatePipeline): one JSON file each under `<workspace>/pipelines/`. */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/write-file-atomic.ts';

export interface PipelineRecord {
  readonly PipelineName: string;
  readonly PipelineArn: string;
  PipelineDisplayName: string;
  PipelineDescription?: string;
  PipelineDefinition: string;
  RoleArn: string;
  PipelineStatus: 'Active';
  readonly CreationTime: string;
  LastModifiedTime: string;
  ParallelismConfiguration?: { MaxParallelExecutionSteps: number };
}

export class PipelinesStore {
  constructor(readonly root: string) {}

  private file(name: string): string {
    return join(this.root, `${name}.json`);
  }

  async get(name: string): Promise<PipelineRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.file(name), 'utf8')) as PipelineRecord;
    } catch {
      return undefined;
    }
  }

  async put(record: PipelineRecord): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await writeFileAtomic(this.file(record.PipelineName), `${JSON.stringify(record, null, 2)}\n`);
  }

  async delete(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }

  async list(): Promise<PipelineRecord[]> {
    try {
      const files = (await readdir(this.root)).filter((f) => f.endsWith('.json')).sort();
      const out: PipelineRecord[] = [];
      for (const f of files) {
        const r = await this.get(f.slice(0, -5));
        if (r) out.push(r);
      }
      return out;
    } catch {
      return [];
    }
  }
}

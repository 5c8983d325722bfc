/**
 * The file-based model registry: model package groups (created on first use) with versions 1, 2, … Each version is
 * one JSON file shaped like DescribeModelPackage. A version number is claimed by creating its file exclusively, so
 * two executions registering at the same time get distinct versions and lose nothing.
 */
import { sageMakerArn } from '../../src/arn.ts';
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json, JsonObject } from '../../src/definition/types.ts';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import { writeFileAtomic } from '../../src/write-file-atomic.ts';
import { withLock } from '../../src/util/file-lock.ts';

export type ApprovalStatus = 'PendingManualApproval' | 'Approved' | 'Rejected';
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['PendingManualApproval', 'Approved', 'Rejected'];

export interface ModelPackage extends JsonObject {
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelApprovalStatus: ApprovalStatus;
  CreationTime: string;
  LastModifiedTime: string;
}

export interface RegistryIdentity {
  readonly region: string;
  readonly account: string;
}

/** Which execution and step registered a version (sagepipe's field; kept out of Describe output). */
export interface RegistrationSource {
  readonly PipelineExecutionArn: string;
  readonly StepName: string;
}
const SOURCE_KEY = 'sagepipe:RegisteredBy';

const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export class FileRegistry {
  constructor(
    readonly root: string,
    private readonly identity: RegistryIdentity,
  ) {}

  groupArn(group: string): string {
    return sageMakerArn(this.identity, 'model-package-group', group);
  }

  packageArn(group: string, version: number): string {
    return sageMakerArn(this.identity, 'model-package', `${group}/${version}`);
  }

  private groupDir(group: string): string {
    if (!GROUP_NAME.test(group)) {
      throw new SagepipeError(ErrorCode.ParameterInvalid, `'${group}' is not a valid model package group name (1-63 letters, digits and hyphens)`, { path: group });
    }
    return join(this.root, group);
  }

  async ensureGroup(group: string, creationTime: string): Promise<JsonObject> {
    const dir = this.groupDir(group);
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'group.json');
    const record = {
      ModelPackageGroupName: group,
      ModelPackageGroupArn: this.groupArn(group),
      ModelPackageGroupStatus: 'Completed',
      CreationTime: creationTime,
    };
    if (await createExclusive(file, `${JSON.stringify(record, null, 2)}\n`)) return record;
    return JSON.parse(await readFile(file, 'utf8')) as JsonObject;
  }

  /** The lock for read-modify-write changes of a group's versions (claiming one, approving one). */
  withGroupLock<T>(group: string, fn: () => Promise<T>): Promise<T> {
    return withLock(join(this.groupDir(group), '.lock'), fn, { what: `model package group ${group}` });
  }

  /**
   * Registers a new version; `build` receives the claimed version and returns the record to store. With `source`
   * (the execution and step registering it), registering is idempotent: a version that source already registered is
   * returned instead of a second one (a retry after a crash between registering and recording it).
   */
  async createPackage(
    group: string,
    creationTime: string,
    build: (version: number, arn: string) => ModelPackage,
    source?: RegistrationSource,
  ): Promise<ModelPackage> {
    await this.ensureGroup(group, creationTime);
    const dir = this.groupDir(group);
    return this.withGroupLock(group, async () => {
      if (source) {
        for (const existing of await this.list(group)) {
          const by = existing[SOURCE_KEY] as unknown as RegistrationSource | undefined;
          if (by?.PipelineExecutionArn === source.PipelineExecutionArn && by.StepName === source.StepName) return existing;
        }
      }
      for (let attempt = 0; attempt < 1000; attempt++) {
        const version = (await this.versions(group)).reduce((m, v) => Math.max(m, v), 0) + 1;
        const file = join(dir, `${version}.json`);
        const built = build(version, this.packageArn(group, version));
        const record = source ? ({ ...built, [SOURCE_KEY]: source } as unknown as ModelPackage) : built;
        if (await createExclusive(file, `${JSON.stringify(record, null, 2)}\n`)) return record;
      }
      throw new SagepipeError(ErrorCode.Internal, `could not claim a version in group ${group}`, { fault: 'sagepipe' });
    });
  }

  private async versions(group: string): Promise<number[]> {
    try {
      return (await readdir(this.groupDir(group))).flatMap((f) => (/^\d+\.json$/.test(f) ? [Number(f.slice(0, -5))] : []));
    } catch {
      return [];
    }
  }

  async groups(): Promise<JsonObject[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    const out: JsonObject[] = [];
    for (const n of names.sort()) {
      try {
        out.push(JSON.parse(await readFile(join(this.root, n, 'group.json'), 'utf8')) as JsonObject);
      } catch {
        // Not a group folder.
      }
    }
    return out;
  }

  /** Versions of a group, newest first. */
  async list(group: string): Promise<ModelPackage[]> {
    const versions = (await this.versions(group)).sort((a, b) => b - a);
    const out: ModelPackage[] = [];
    for (const v of versions) {
      const p = await this.tryRead(group, v);
      if (p) out.push(p);
    }
    return out;
  }

  private async tryRead(group: string, version: number): Promise<ModelPackage | undefined> {
    try {
      const text = await readFile(join(this.groupDir(group), `${version}.json`), 'utf8');
      return text.trim() === '' ? undefined : (JSON.parse(text) as ModelPackage);
    } catch {
      return undefined;
    }
  }

  /** The stored spelling of a group name (ARNs carry it in lower case). */
  async resolveGroupName(name: string): Promise<string> {
    try {
      const names = await readdir(this.root);
      return names.find((n) => n === name) ?? names.find((n) => n.toLowerCase() === name.toLowerCase()) ?? name;
    } catch {
      return name;
    }
  }

  /** Finds a version by ARN or `group/version`. */
  async describe(ref: string): Promise<ModelPackage> {
    const parsed = parsePackageRef(ref);
    const group = await this.resolveGroupName(parsed.group);
    const version = parsed.version;
    const found = await this.tryRead(group, version);
    if (!found) throw new SagepipeError(ErrorCode.ResourceNotFound, `model package ${group}/${version} does not exist`, { path: ref });
    return found;
  }

  /** Replaces a version's record (approval changes). */
  async save(record: ModelPackage): Promise<void> {
    await writeFileAtomic(join(this.groupDir(record.ModelPackageGroupName), `${record.ModelPackageVersion}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }
}

/**
 * Creates a file with its whole content, or returns false when it exists: the content is written to a temporary file
 * first and hard-linked into place, so a reader never sees a half-written record.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temp = `${file}.tmp-${randomUUID()}`;
  await writeFile(temp, content);
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/** `arn:…:model-package/<group>/<version>` or `<group>/<version>`. */
export function parsePackageRef(ref: string): { group: string; version: number } {
  const m = /(?:model-package\/)?([A-Za-z0-9-]+)\/(\d+)$/.exec(ref);
  if (!m) throw new SagepipeError(ErrorCode.UsageError, `'${ref}' is not a model package ARN or <group>/<version>`, { path: ref });
  return { group: m[1] as string, version: Number(m[2]) };
}

export type { Json };

/** Definitions and an engine wired to a fake backend and a temporary store, for the engine's tests. */
import { loadDefinition } from '../../src/definition/loader.ts';
import type { LoadedDefinition } from '../../src/definition/loader.ts';
import { Engine, type StartExecutionRequest } from '../../src/engine/engine.ts';
import type { ExecutionRecord } from '../../src/engine/records.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import type { Clock } from '../../src/engine/execution-run.ts';
import { ExecutionStore } from '../../src/engine/store.ts';
import { tempDir } from '../helpers/context.ts';
import { FakeBackend } from '../helpers/fake-backend.ts';

export function processingStep(name: string, opts: { dependsOn?: string[]; input?: unknown; cache?: boolean; code?: string; propertyFile?: boolean; retry?: unknown[] } = {}): any {
  return {
    Name: name,
    Type: 'Processing',
    ...(opts.dependsOn ? { DependsOn: opts.dependsOn } : {}),
    Arguments: {
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
      AppSpecification: { ImageUri: 'img', ContainerEntrypoint: ['node', `/opt/ml/processing/input/code/${name}.mjs`] },
      RoleArn: 'arn:role',
      ProcessingInputs: [
        ...(opts.input ? [{ InputName: 'in', S3Input: { S3Uri: opts.input, LocalPath: '/opt/ml/processing/in', S3DataType: 'S3Prefix', S3InputMode: 'File' } }] : []),
        { InputName: 'code', S3Input: { S3Uri: opts.code ?? `s3://b/code/v1/${name}.mjs`, LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix', S3InputMode: 'File' } },
      ],
      ProcessingOutputConfig: {
        Outputs: [
          {
            OutputName: 'out',
            S3Output: {
              S3Uri: { 'Std:Join': { On: '/', Values: ['s3://b', { Get: 'Execution.PipelineExecutionId' }, name, 'out'] } },
              LocalPath: '/opt/ml/processing/out',
              S3UploadMode: 'EndOfJob',
            },
          },
        ],
      },
    },
    ...(opts.cache ? { CacheConfig: { Enabled: true, ExpireAfter: 'P30D' } } : {}),
    ...(opts.propertyFile ? { PropertyFiles: [{ PropertyFileName: 'Report', OutputName: 'out', FilePath: 'report.json' }] } : {}),
    ...(opts.retry ? { RetryPolicies: opts.retry } : {}),
  };
}

export const outputOf = (step: string) => ({ Get: `Steps.${step}.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri` });

export function definition(steps: unknown[], parameters: unknown[] = []): LoadedDefinition {
  return loadDefinition({ Version: '2020-12-01', Parameters: parameters, Steps: steps });
}

/** A clock whose sleeps resolve at once but are recorded, and whose time the test moves. */
export class TestClock implements Clock {
  time = Date.parse('2026-01-01T00:00:00.000Z');
  readonly sleeps: number[] = [];
  now(): Date {
    return new Date(this.time);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

export function harness() {
  const dir = tempDir('sagepipe-engine-');
  const store = new ExecutionStore(dir.path);
  const backend = new FakeBackend();
  const events: EngineEvent[] = [];
  const waiters: { predicate: (e: EngineEvent) => boolean; resolve: () => void }[] = [];
  const clock = new TestClock();
  let n = 0;
  const sink = (e: EngineEvent) => {
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.predicate(e)) w.resolve();
      else waiters.push(w);
    }
  };
  const engine = new Engine({ backend, store, clock, sink, newExecutionId: () => `exec${++n}` });
  /** Resolves when an event matching the predicate is reported (or already was). */
  const waitForEvent = (predicate: (e: EngineEvent) => boolean): Promise<void> =>
    events.some(predicate) ? Promise.resolve() : new Promise((resolve) => waiters.push({ predicate, resolve }));
  return { dir, store, backend, events, clock, engine, waitForEvent };
}

/** Starts an execution and waits until it has ended: the handle's `done`. */
export async function runToEnd(engine: Engine, request: StartExecutionRequest): Promise<ExecutionRecord> {
  return (await engine.launch(request)).done;
}

/** Retries an execution and waits until it has ended. */
export async function retryToEnd(engine: Engine, idOrArn: string, options: { readonly signal?: AbortSignal } = {}): Promise<ExecutionRecord> {
  return (await engine.launchRetry(idOrArn, options)).done;
}

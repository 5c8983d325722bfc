/** The local backend's image-build phase: sagepipe's missing images are built before the first step, once each. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../local-runner/local-backend.ts';
import { ModelStore } from '../../local-runner/model-store.ts';
import { FileRegistry } from '../../local-runner/registry/file-registry.ts';
import { ProcessRuntime } from '../../local-runner/runtime/process-runtime.ts';
import { LocalS3 } from '../../local-runner/s3/local-s3.ts';
import type { ResolvedImage } from '../../local-runner/images/resolve.ts';
import type { JobContext } from '../../src/engine/backend.ts';
import type { PipelineDefinition } from '../../src/definition/types.ts';
import { tempDir } from '../helpers/context.ts';
import { processingStep } from '../engine/helpers.ts';

const dir = tempDir('sagepipe-image-phase-');
afterAll(() => dir.remove());
const python = join(dir.path, 'python3');
writeFileSync(python, "#!/bin/sh\necho '[]'\n");
chmodSync(python, 0o755);

/** A runtime whose images are present only once built (the process runtime's programs, Docker's notion of images). */
class ImagesRuntime extends ProcessRuntime {
  readonly present = new Set<string>();
  override async hasImage(image: string): Promise<boolean> {
    return this.present.has(image);
  }
}

function setUp(build: (image: ResolvedImage, log: (line: string) => void) => Promise<void>) {
  const runtime = new ImagesRuntime({ pythons: [python] });
  const root = join(dir.path, String(Math.random()).slice(2));
  const s3 = new LocalS3(join(root, 's3'));
  const backend = new LocalBackend({
    s3,
    registry: new FileRegistry(join(root, 'registry'), { region: 'us-east-1', account: '000000000000' }),
    models: new ModelStore(join(root, 'models')),
    jobsDir: join(root, 'jobs'),
    runtime,
    version: '0.1.0',
    region: 'us-east-1',
    account: '000000000000',
    ensureImage: build,
  });
  return { runtime, backend, s3 };
}

const step = (name: string, image: string) => {
  const s = processingStep(name, { code: `s3://code-bucket/code/${name}.mjs` });
  return { ...s, Arguments: { ...s.Arguments, AppSpecification: { ...s.Arguments.AppSpecification, ImageUri: image } } };
};
const pipeline = (...steps: unknown[]) => ({ Version: '2020-12-01', Steps: steps }) as PipelineDefinition;

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    report: {
      started: (image: string, steps: readonly string[]) => lines.push(`started ${image} for ${steps.join(',')}`),
      log: (image: string, line: string) => lines.push(`log ${image}: ${line}`),
      finished: (image: string, _ms: number, failure: string | undefined) => lines.push(`finished ${image}${failure ? `: ${failure}` : ''}`),
    },
  };
}

describe('the image-build phase of the local backend', () => {
  it('GIVEN two steps on a missing image and one on a present image WHEN provisioned THEN only the missing one is built, once, for both steps', async () => {
    const built: string[] = [];
    const { runtime, backend } = setUp(async (image, log) => {
      built.push(image.local);
      log('Step 1/3 : FROM base');
      runtime.present.add(image.local);
    });
    runtime.present.add('sagepipe-sklearn:0.1.0');
    const plan = await backend.prepare(pipeline(step('a', 'sagepipe-node:0.1.0'), step('b', 'sagepipe-node:0.1.0'), step('c', 'sagepipe-sklearn:0.1.0')), new Map());
    const r = recorder();
    await backend.provisionImages(plan.images, r.report);
    expect(built).toEqual(['sagepipe-node:0.1.0']);
    expect(r.lines).toEqual(['started sagepipe-node:0.1.0 for a,b', 'log sagepipe-node:0.1.0: Step 1/3 : FROM base', 'finished sagepipe-node:0.1.0']);
  });

  it('GIVEN an image that is not sagepipe\'s own THEN the phase does not try to build it', async () => {
    const built: string[] = [];
    const { backend } = setUp(async (image) => {
      built.push(image.local);
    });
    const r = recorder();
    await backend.provisionImages([{ StepName: 'a', Requested: 'python:3.11', Local: 'python:3.11' }], r.report);
    expect(built).toEqual([]);
    expect(r.lines).toEqual([]);
  });

  it('GIVEN a build that fails in the phase WHEN its step runs THEN the step fails with that reason, without building again', async () => {
    let attempts = 0;
    const { backend, s3 } = setUp(async () => {
      attempts++;
      throw new Error('mmdebstrap: no mirror');
    });
    const definition = pipeline(step('a', 'sagepipe-node:0.1.0'));
    const plan = await backend.prepare(definition, new Map());
    const r = recorder();
    await backend.provisionImages(plan.images, r.report);
    expect(r.lines).toEqual(['started sagepipe-node:0.1.0 for a', 'finished sagepipe-node:0.1.0: mmdebstrap: no mirror']);
    await s3.putObject('s3://code-bucket/code/a.mjs', Buffer.from(''));
    const ctx: JobContext = {
      executionId: 'e1',
      executionArn: 'arn:e1',
      pipelineName: 'p',
      stepName: 'a',
      attempt: 1,
      jobName: 'pipelines-e1-a-1',
      signal: new AbortController().signal,
      log: () => undefined,
    };
    const args = (definition.Steps[0] as unknown as { Arguments: Record<string, unknown> }).Arguments;
    const request = { ...args, ProcessingOutputConfig: { Outputs: [{ OutputName: 'out', S3Output: { S3Uri: 's3://out-bucket/out', LocalPath: '/opt/ml/processing/out', S3UploadMode: 'EndOfJob' } }] } };
    await expect(backend.runProcessingJob(request as never, ctx)).rejects.toThrow('ClientError: image sagepipe-node:0.1.0 could not be built: mmdebstrap: no mirror');
    expect(attempts).toBe(1);
  });
});

/**
 * The config files of a job, written by the host before the container starts (as SageMaker writes them) and read by
 * the images: one writer and one reader per file, through the same paths.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ContainerPaths, containerPath, underRoot } from './paths.ts';

/** One channel in inputdataconfig.json. */
export interface ChannelConfig {
  readonly ContentType: string | null;
  readonly TrainingInputMode: string;
  readonly S3DistributionType: string;
  readonly RecordWrapperType: string;
}

/** resourceconfig.json: one local host. */
export interface ResourceConfig {
  readonly current_host: string;
  readonly hosts: readonly string[];
  readonly network_interface_name?: string;
}

/** The one host a local job runs on, named as SageMaker names the first. */
export const LOCAL_HOST = 'algo-1';

/** What processing jobs read from processingjobconfig.json (the CreateProcessingJob request). */
export interface ProcessingJobConfig {
  readonly ProcessingJobName?: string;
  readonly ProcessingInputs?: readonly { InputName: string; S3Input?: { LocalPath: string } }[];
  readonly ProcessingOutputConfig?: { Outputs?: readonly { OutputName: string; S3Output?: { LocalPath: string } }[] };
  readonly Environment?: Record<string, string>;
}

type Env = Readonly<Record<string, string | undefined>>;

async function writeJson(root: string, path: string, value: unknown, indent?: number): Promise<void> {
  const file = underRoot(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value, null, indent));
}

/** Host: a training job's folder (`root` stands in for `/`): the config files, and the folders the job writes to. */
export async function writeTrainingConfig(
  root: string,
  config: { readonly hyperparameters: Readonly<Record<string, string>>; readonly channels: Readonly<Record<string, ChannelConfig>> },
): Promise<void> {
  for (const dir of [ContainerPaths.model, ContainerPaths.outputData]) await mkdir(underRoot(root, dir), { recursive: true });
  await writeJson(root, ContainerPaths.hyperparameters, config.hyperparameters, 2);
  await writeJson(root, ContainerPaths.inputDataConfig, config.channels, 2);
  const resource: ResourceConfig = { current_host: LOCAL_HOST, hosts: [LOCAL_HOST], network_interface_name: 'eth0' };
  await writeJson(root, ContainerPaths.resourceConfig, resource);
}

/** Host: a processing job's config files (the request, with the job's name). */
export async function writeProcessingConfig(root: string, request: ProcessingJobConfig & object): Promise<void> {
  await writeJson(root, ContainerPaths.processingJobConfig, request, 2);
  const resource: ResourceConfig = { current_host: LOCAL_HOST, hosts: [LOCAL_HOST] };
  await writeJson(root, ContainerPaths.processingResourceConfig, resource);
}

/** Image: the training job's hyperparameters (all strings, as SageMaker passes them). A missing file is an error. */
export function readHyperparameters(env: Env = process.env): Record<string, unknown> {
  return JSON.parse(readFileSync(containerPath(ContainerPaths.hyperparameters, env), 'utf8')) as Record<string, unknown>;
}

/** Image: the channels' configuration, by channel name; none when the file is missing. */
export function readInputDataConfig(env: Env = process.env): Record<string, Partial<ChannelConfig>> {
  const file = containerPath(ContainerPaths.inputDataConfig, env);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Partial<ChannelConfig>>) : {};
}

/** Image: a processing job's configuration; empty when the file is missing (a script run by hand). */
export function readProcessingConfig(env: Env = process.env): ProcessingJobConfig {
  const file = containerPath(ContainerPaths.processingJobConfig, env);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ProcessingJobConfig) : {};
}

/** Image: a failed job's reason, where the host reads it (SageMaker's contract); the caller then exits non-zero. */
export function writeFailure(reason: string, env: Env = process.env): void {
  const file = containerPath(ContainerPaths.failure, env);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, reason);
}

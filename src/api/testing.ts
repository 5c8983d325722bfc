/**
 * `sagepipe/testing`: for vitest or jest. A temporary workspace per test, and `startLocalSageMaker()` — the
 * SageMaker API and an S3 subset (what `sagepipe serve` answers) on a free loopback port, in this process — so code
 * that calls SageMaker or S3 through the AWS SDK can be tested against the local runner, like moto's `mock_aws`.
 *
 * ```ts
 * const sm = await startLocalSageMaker({ runtime: 'process' });
 * afterAll(() => sm.stop());
 * const client = new SageMakerClient({ endpoint: sm.endpoint, region: sm.region, credentials: sm.credentials });
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../server/server.ts';
import { type RuntimeChoice, localBackend, localEndpoints, openSession, selectRuntime } from '../../local-runner/workspace.ts';
import { type Workspace, type WorkspaceOptions, openWorkspace } from './local.ts';

export interface TemporaryWorkspace extends Workspace {
  /** Deletes the folder and everything in it. */
  remove(): Promise<void>;
}

/** A workspace in a new temporary folder; `remove()` it after the test. */
export async function temporaryWorkspace(options: Omit<WorkspaceOptions, 'dir'> = {}): Promise<TemporaryWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'sagepipe-test-'));
  const workspace = openWorkspace({ ...options, dir });
  return Object.assign(workspace, { remove: () => rm(dir, { recursive: true, force: true }) });
}

export interface LocalSageMakerOptions {
  /** The workspace folder the server runs in. @default a new temporary folder, removed by stop() */
  readonly workspace?: string;
  /** @default 'auto' (Docker when a daemon answers) */
  readonly runtime?: RuntimeChoice;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Under the process runtime, jobs may run their own entrypoints as processes (serve's --allow-host-code). @default true */
  readonly allowHostCode?: boolean;
  /** Called for each request (method, operation, status, time). @default none */
  readonly onRequest?: (line: string) => void;
}

export interface LocalSageMaker {
  /** `http://127.0.0.1:<port>`: the endpoint for SageMakerClient, SageMakerRuntimeClient and S3Client (path-style). */
  readonly endpoint: string;
  readonly region: string;
  /** Any credentials work (requests must be SigV4-signed, the signature is not checked); these are placeholders. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** AWS_ENDPOINT_URL, AWS_REGION and placeholder credentials, for code that configures its clients from the environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The workspace the server runs in (executions, S3 objects, registry). */
  readonly workspace: string;
  /** Stops the server (and removes the temporary workspace it made); wait for your executions first. */
  stop(): Promise<void>;
}

export async function startLocalSageMaker(options: LocalSageMakerOptions = {}): Promise<LocalSageMaker> {
  const region = options.region ?? 'us-east-1';
  const made = options.workspace ? undefined : await mkdtemp(join(tmpdir(), 'sagepipe-sagemaker-'));
  const dir = options.workspace ?? (made as string);
  const host = { env: process.env, cwd: process.cwd() };
  const session = openSession({ workspace: dir, region }, host);
  const runtime = await selectRuntime(options.runtime ?? 'auto', () => undefined);
  const backend = localBackend(session, runtime, host);
  const server = createApiServer({
    session,
    backend,
    runtimeKind: runtime.kind,
    // Your own tests drive it: jobs may run their entrypoints as processes under the process runtime.
    policy: { allowLocalPaths: false, allowHostCode: options.allowHostCode ?? true },
    endpoints: localEndpoints(session, runtime),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = { accessKeyId: 'sagepipe', secretAccessKey: 'sagepipe' };
  return {
    endpoint,
    region,
    credentials,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    workspace: dir,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (made) await rm(made, { recursive: true, force: true });
    },
  };
}

export type { Workspace, WorkspaceOptions } from './local.ts';

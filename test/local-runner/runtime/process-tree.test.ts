/** A process-runtime job owns its process tree: a time-out or a stop ends the processes it started, not only itself. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessRuntime } from '../../../local-runner/runtime/process-runtime.ts';
import type { ContainerSpec } from '../../../local-runner/runtime/runtime.ts';
import { pidRunning } from '../../../src/util/process-identity.ts';
import { tempDir } from '../../helpers/context.ts';

const ws = tempDir('sagepipe-tree-');
afterAll(() => ws.remove());

// A zombie (ended, not yet reaped by its new parent) runs nothing: it counts as gone.
const alive = (pid: number) => pidRunning(pid);

/** A job that starts a grandchild (which records its pid and sleeps), then sleeps itself. */
function spec(root: string, timeoutSeconds?: number): ContainerSpec {
  mkdirSync(root, { recursive: true });
  const grandchild = `require('fs').writeFileSync(process.env.SAGEPIPE_CONTAINER_ROOT+'/grandchild.pid',String(process.pid));setTimeout(()=>{},60000)`;
  const script = `require('child_process').spawn(process.execPath,['-e',${JSON.stringify(grandchild)}],{stdio:'ignore'});setTimeout(()=>{},60000)`;
  return {
    image: 'sagepipe-node:0.1.0',
    entrypoint: ['node', '-e', script],
    args: [],
    env: {},
    root,
    labels: {},
    networkIsolation: true,
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
  };
}

async function grandchildPid(root: string): Promise<number> {
  const file = join(root, 'grandchild.pid');
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
  for (let i = 0; i < 40 && readFileSync(file, 'utf8') === ''; i++) await new Promise((r) => setTimeout(r, 25));
  return Number(readFileSync(file, 'utf8'));
}

describe('process-runtime jobs and their process tree', () => {
  it('GIVEN a job past its time limit that started a child WHEN killed THEN the child is gone too', async () => {
    const root = join(ws.path, 'timeout');
    const result = await new ProcessRuntime().run(spec(root, 2), () => undefined, new AbortController().signal);
    expect(result.timedOut).toBe(true);
    const pid = await grandchildPid(root);
    for (let i = 0; i < 40 && alive(pid); i++) await new Promise((r) => setTimeout(r, 25));
    expect(alive(pid)).toBe(false);
  }, 20_000);

  it('GIVEN a running job that started a child WHEN the execution is stopped THEN the child is gone too', async () => {
    const root = join(ws.path, 'stop');
    const controller = new AbortController();
    const running = new ProcessRuntime().run(spec(root), () => undefined, controller.signal);
    const pid = await grandchildPid(root);
    controller.abort();
    const result = await running;
    expect(result.stopped).toBe(true);
    for (let i = 0; i < 40 && alive(pid); i++) await new Promise((r) => setTimeout(r, 25));
    expect(alive(pid)).toBe(false);
  }, 20_000);
});

/** Containers get least privilege and bounded resources: no new privileges, no capabilities, no network, limits. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerRuntime, hostConfigFor } from '../../../local-runner/runtime/docker-runtime.ts';
import { PIDS_LIMIT, jobResources } from '../../../local-runner/runtime/resources.ts';
import type { ContainerSpec } from '../../../local-runner/runtime/runtime.ts';
import { tempDir } from '../../helpers/context.ts';
import { runDockerTests } from '../../helpers/docker.ts';

const GiB = 1024 ** 3;
const bigHost = { cpus: 64, memoryBytes: 512 * GiB };

describe('job resources from the instance type', () => {
  it('GIVEN SageMaker instance types WHEN mapped THEN CPUs and memory follow the family and size', () => {
    expect(jobResources('ml.m5.xlarge', bigHost)).toEqual({ cpus: 4, memoryBytes: 16 * GiB, pids: PIDS_LIMIT });
    expect(jobResources('ml.c5.2xlarge', bigHost)).toEqual({ cpus: 8, memoryBytes: 16 * GiB, pids: PIDS_LIMIT });
    expect(jobResources('ml.r5.large', bigHost)).toEqual({ cpus: 2, memoryBytes: 16 * GiB, pids: PIDS_LIMIT });
    expect(jobResources('ml.m5.12xlarge', bigHost).cpus).toBe(48);
    expect(jobResources(undefined, bigHost)).toEqual({ cpus: 2, memoryBytes: 8 * GiB, pids: PIDS_LIMIT });
  });

  it('GIVEN an instance bigger than the host WHEN mapped THEN it is capped to the host', () => {
    const small = { cpus: 2, memoryBytes: 4 * GiB };
    const r = jobResources('ml.m5.24xlarge', small);
    expect(r.cpus).toBe(2);
    expect(r.memoryBytes).toBeLessThan(4 * GiB);
  });
});

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  image: 'sagepipe-node:0.1.0',
  args: [],
  env: {},
  root: '/tmp/job',
  labels: {},
  networkIsolation: true,
  resources: jobResources('ml.m5.large', bigHost),
  ...over,
});

describe('the container host configuration', () => {
  it('GIVEN a job WHEN configured THEN it has no new privileges, no capabilities, no network and its limits', () => {
    const config = hostConfigFor(spec());
    expect(config).toMatchObject({ SecurityOpt: ['no-new-privileges'], CapDrop: ['ALL'], NetworkMode: 'none', PidsLimit: PIDS_LIMIT, Memory: 8 * GiB, NanoCpus: 2e9 });
  });

  it('GIVEN an endpoint publishing a port WHEN configured THEN it gets the bridge, on loopback only', () => {
    const config = hostConfigFor(spec({ networkIsolation: false, port: { container: 8080, host: 9000 } }));
    expect(config?.NetworkMode).toBe('bridge');
    expect(config?.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '9000' }] });
  });
});

describe.runIf(runDockerTests)('a job container', () => {
  const ws = tempDir('sagepipe-harden-');
  afterAll(() => ws.remove());

  it('GIVEN a job WHEN it looks at itself THEN NoNewPrivs is set, it has no capabilities, no network interface but lo, and its memory limit', async () => {
    mkdirSync(join(ws.path, 'opt/ml'), { recursive: true });
    const lines: string[] = [];
    const script = [
      "const fs=require('fs');",
      "const st=fs.readFileSync('/proc/self/status','utf8');",
      "console.log('nnp='+/NoNewPrivs:\\s*(\\d)/.exec(st)[1]);",
      "console.log('capeff='+/CapEff:\\s*(\\w+)/.exec(st)[1]);",
      "console.log('ifaces='+Object.keys(require('os').networkInterfaces()).sort().join(','));",
      "let mem='';try{mem=fs.readFileSync('/sys/fs/cgroup/memory.max','utf8').trim()}catch{try{mem=fs.readFileSync('/sys/fs/cgroup/memory/memory.limit_in_bytes','utf8').trim()}catch{}}",
      "console.log('mem='+mem);",
    ].join('');
    const result = await new DockerRuntime().run(
      spec({ root: ws.path, entrypoint: ['node', '-e', script], resources: { cpus: 1, memoryBytes: 512 * 1024 * 1024, pids: 128 } }),
      (l) => lines.push(l),
      new AbortController().signal,
    );
    expect(result.exitCode, lines.join('\n')).toBe(0);
    expect(lines).toContain('nnp=1');
    expect(lines).toContain('capeff=0000000000000000');
    expect(lines).toContain('ifaces=lo');
    expect(lines).toContain(`mem=${512 * 1024 * 1024}`);
  }, 60_000);
});

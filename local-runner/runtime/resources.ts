/**
 * Resource limits for a job's container, from its instance type (what it would get on SageMaker), capped to what
 * this host has: a job never takes more than the machine, and a runaway job cannot take the machine down.
 */
import { availableParallelism, totalmem } from 'node:os';

export interface JobResources {
  readonly cpus: number;
  readonly memoryBytes: number;
  /** Processes and threads the container may have. */
  readonly pids: number;
}

const GiB = 1024 ** 3;
/** Memory per vCPU by instance family letter (m: general purpose, c: compute, r/x: memory, t: burstable …). */
const GIB_PER_VCPU: Readonly<Record<string, number>> = { m: 4, c: 2, r: 8, x: 16, z: 8, t: 2, g: 4, p: 8, i: 8 };
export const PIDS_LIMIT = 4096;

/** vCPUs of a size: large 2, xlarge 4, Nxlarge 4N, medium 1 … */
function vcpusOf(size: string): number | undefined {
  if (size === 'medium' || size === 'small' || size === 'micro' || size === 'nano') return 1;
  if (size === 'large') return 2;
  const m = /^(\d*)xlarge$/.exec(size);
  if (!m) return undefined;
  return 4 * (m[1] ? Number(m[1]) : 1);
}

/** `ml.m5.xlarge` → 4 CPUs, 16 GiB; unknown types get 2 CPUs, 8 GiB. Then capped to the host. */
export function jobResources(instanceType: string | undefined, host = { cpus: availableParallelism(), memoryBytes: totalmem() }): JobResources {
  const m = /^ml\.([a-z]+)\d*[a-z-]*\.([a-z0-9]+)$/.exec(instanceType ?? '');
  const family = m?.[1]?.[0] ?? '';
  const vcpus = (m && vcpusOf(m[2] as string)) ?? 2;
  const memory = vcpus * (GIB_PER_VCPU[family] ?? 4) * GiB;
  return {
    cpus: Math.min(vcpus, host.cpus),
    // A little is left for the host itself.
    memoryBytes: Math.min(memory, Math.max(256 * 1024 * 1024, Math.floor(host.memoryBytes * 0.9))),
    pids: PIDS_LIMIT,
  };
}

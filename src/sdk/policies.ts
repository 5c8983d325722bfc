/** Step caching and retry policies, rendered as the service's `CacheConfig` and `RetryPolicies`. */
import type { CacheConfigDefinition, RetryPolicyDefinition } from '../definition/types.ts';

export interface CacheConfigOptions {
  /** @default true */
  readonly enabled?: boolean;
  /** ISO-8601 duration, e.g. `P30D` or `PT1H`. */
  readonly expireAfter?: string;
}

export class CacheConfig {
  readonly enabled: boolean;
  readonly expireAfter: string | undefined;
  constructor(options: CacheConfigOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.expireAfter = options.expireAfter;
  }
  toDefinition(): CacheConfigDefinition {
    return { Enabled: this.enabled, ...(this.expireAfter === undefined ? {} : { ExpireAfter: this.expireAfter }) };
  }
}

/** Failure kinds a step-level policy retries on (the step's call to the service failed). */
export const StepExceptionType = {
  ServiceFault: 'Step.SERVICE_FAULT',
  Throttling: 'Step.THROTTLING',
} as const;
/** Failure kinds a job-level policy retries on (the job itself failed). */
export const SageMakerJobExceptionType = {
  InternalError: 'SageMaker.JOB_INTERNAL_ERROR',
  CapacityError: 'SageMaker.CAPACITY_ERROR',
  ResourceLimit: 'SageMaker.RESOURCE_LIMIT',
} as const;
export type RetryExceptionType =
  | (typeof StepExceptionType)[keyof typeof StepExceptionType]
  | (typeof SageMakerJobExceptionType)[keyof typeof SageMakerJobExceptionType];

export interface RetryPolicyOptions {
  readonly exceptionTypes: readonly RetryExceptionType[];
  /** @default 1 */
  readonly intervalSeconds?: number;
  /** @default 2.0 */
  readonly backoffRate?: number;
  /** Either maxAttempts or expireAfterMin; neither means the service default (MaxAttempts 5). */
  readonly maxAttempts?: number;
  readonly expireAfterMin?: number;
}

export class RetryPolicy {
  constructor(readonly options: RetryPolicyOptions) {}
  toDefinition(): RetryPolicyDefinition {
    const o = this.options;
    return {
      ExceptionType: [...o.exceptionTypes],
      IntervalSeconds: o.intervalSeconds ?? 1,
      BackoffRate: o.backoffRate ?? 2.0,
      ...(o.maxAttempts === undefined ? {} : { MaxAttempts: o.maxAttempts }),
      ...(o.expireAfterMin === undefined ? {} : { ExpireAfterMin: o.expireAfterMin }),
    };
  }
}

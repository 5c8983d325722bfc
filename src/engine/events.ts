/** What the engine reports while it runs: typed events for a sink (the CLI renders them; tests record them). */
import type { JsonObject } from '../definition/types.ts';
import type { ImagePlan } from './backend.ts';
import type { ExecutionRecord, ExecutionStatus } from './records.ts';

export type EngineEvent =
  | { readonly type: 'executionStarted'; readonly executionId: string; readonly executionArn: string; readonly pipelineName: string; readonly steps: readonly { name: string; type: string }[]; readonly retry: boolean }
  | { readonly type: 'imagesResolved'; readonly images: readonly ImagePlan[] }
  | { readonly type: 'imageBuildStarted'; readonly image: string; readonly steps: readonly string[] }
  | { readonly type: 'imageBuildLog'; readonly image: string; readonly line: string }
  | { readonly type: 'imageBuildFinished'; readonly image: string; readonly durationMs: number; readonly failureReason: string | undefined }
  | { readonly type: 'stepStarted'; readonly step: string; readonly stepType: string; readonly attempt: number; readonly at: string }
  | { readonly type: 'stepLog'; readonly step: string; readonly stream: 'stdout' | 'stderr'; readonly line: string }
  | { readonly type: 'stepCacheHit'; readonly step: string; readonly sourceExecutionArn: string }
  | { readonly type: 'stepCacheMiss'; readonly step: string; readonly reason: string }
  | { readonly type: 'stepSucceeded'; readonly step: string; readonly durationMs: number; readonly properties: JsonObject; readonly cached: boolean }
  | { readonly type: 'stepRetrying'; readonly step: string; readonly attempt: number; readonly reason: string; readonly delayMs: number }
  | { readonly type: 'stepFailed'; readonly step: string; readonly reason: string; readonly durationMs: number }
  | { readonly type: 'stepStopped'; readonly step: string }
  | { readonly type: 'stepWaitingForCallback'; readonly step: string; readonly token: string; readonly arguments: JsonObject; readonly sqsQueueUrl: string }
  | { readonly type: 'stepNotExecuted'; readonly step: string; readonly reason: string }
  | { readonly type: 'executionFinished'; readonly status: ExecutionStatus; readonly failureReason: string | undefined; readonly record: ExecutionRecord };

export type EventSink = (event: EngineEvent) => void;

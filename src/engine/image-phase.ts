/**
 * The image-build phase between the start of an execution and its first step: the backend builds the images that
 * are missing, the engine reports each build as events and in the record's `ImageBuilds`, so a build's minutes are
 * never counted in a step's time.
 */
import type { ImageBuild, ImagePlan, JobBackend } from './backend.ts';
import type { EventSink } from './events.ts';
import type { Clock } from './execution-run.ts';
import type { ExecutionRecord } from './records.ts';
import type { ExecutionStore } from './store.ts';

export interface ImagePhaseInput {
  readonly backend: JobBackend | undefined;
  readonly images: readonly ImagePlan[];
  readonly record: ExecutionRecord;
  readonly store: ExecutionStore;
  readonly sink: EventSink;
  readonly clock: Clock;
}

/** Runs the phase; resolves once every build has ended (a failed build is recorded, not thrown). */
export async function runImagePhase(input: ImagePhaseInput): Promise<void> {
  const { backend, images, record, sink, clock } = input;
  if (!backend?.provisionImages || images.length === 0) return;
  const builds: ImageBuild[] = [];
  const started = new Map<string, { at: string; steps: readonly string[] }>();
  await backend.provisionImages(images, {
    started: (image, steps) => {
      started.set(image, { at: clock.now().toISOString(), steps });
      sink({ type: 'imageBuildStarted', image, steps });
    },
    log: (image, line) => sink({ type: 'imageBuildLog', image, line }),
    finished: (image, durationMs, failureReason) => {
      const begun = started.get(image);
      builds.push({
        Image: image,
        StepNames: [...(begun?.steps ?? [])],
        StartTime: begun?.at ?? clock.now().toISOString(),
        EndTime: clock.now().toISOString(),
        Status: failureReason === undefined ? 'Succeeded' : 'Failed',
        ...(failureReason === undefined ? {} : { FailureReason: failureReason }),
      });
      sink({ type: 'imageBuildFinished', image, durationMs, failureReason });
    },
  });
  if (builds.length === 0) return;
  // A retry's builds replace the earlier run's: the record says what this run waited for.
  record.ImageBuilds = builds;
  await input.store.save(record);
}

/**
 * Image resolution: the ECR-style URIs in definitions map to locally built images, and AWS's built-in XGBoost
 * training images map to sagepipe-xgboost, so the same definition runs here and on SageMaker.
 */
import { ErrorCode, SagepipeError } from '../../src/errors.ts';

export const PROJECT_IMAGES = ['xgboost', 'node'] as const;
export type ProjectImage = (typeof PROJECT_IMAGES)[number];

export interface ResolvedImage {
  /** The local image name to run. */
  readonly local: string;
  /** Set when it is one of sagepipe's own images (built from containers/ on demand). */
  readonly project: ProjectImage | undefined;
}

const ECR = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/;

export function resolveImage(uri: string, purpose: 'processing' | 'training' | 'inference', version: string): ResolvedImage {
  const m = ECR.exec(uri);
  const path = m ? (m[3] as string) : uri;
  const [repo, tag = 'latest'] = splitTag(path);
  const own = /^sagepipe-(xgboost|node)$/.exec(repo);
  if (own) return { local: `sagepipe-${own[1]}:${tag}`, project: own[1] as ProjectImage };
  if (m && /(^|\/)sagemaker-xgboost$/.test(repo) && purpose !== 'processing') {
    // The built-in algorithm's contract is what sagepipe-xgboost implements.
    return { local: `sagepipe-xgboost:${version}`, project: 'xgboost' };
  }
  if (m) {
    throw new SagepipeError(
      ErrorCode.ImageUnavailable,
      `image ${uri} lives in Amazon ECR, which the local runner does not pull from; use one of sagepipe's images (sagepipe-xgboost, sagepipe-node), or pull it yourself and refer to it by its local name`,
      { path: uri },
    );
  }
  return { local: path.includes(':') ? path : `${path}:latest`, project: undefined };
}

function splitTag(path: string): [string, string | undefined] {
  const at = path.lastIndexOf(':');
  if (at > path.lastIndexOf('/')) return [path.slice(0, at), path.slice(at + 1)];
  return [path, undefined];
}

/**
 * sagepipe's own images that a definition's steps name with plain strings (ImageUri, TrainingImage, Image), so they
 * can be built before the run rather than inside a step. Images given by expressions, or that cannot run here, are
 * left to the step that uses them.
 */
export function projectImagesOf(steps: readonly unknown[], version: string): ResolvedImage[] {
  const found = new Map<string, ResolvedImage>();
  const purposes: Record<string, 'processing' | 'training' | 'inference'> = { ImageUri: 'processing', TrainingImage: 'training', Image: 'inference' };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) visit(v);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const purpose = purposes[k];
        if (purpose && typeof v === 'string') {
          try {
            const resolved = resolveImage(v, purpose, version);
            if (resolved.project) found.set(resolved.local, resolved);
          } catch {
            // Not ours, or not runnable here: the step reports it.
          }
        } else visit(v);
      }
    }
  };
  visit(steps);
  return [...found.values()];
}

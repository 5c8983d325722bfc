/**
 * The inference container's HTTP contract: `GET /ping`, `POST /invocations` on port 8080, the content types, and the
 * bodies both sides agree on (an error is `{"error": reason}`; JSON predictions are `{"predictions": [{"score": …}]}`).
 * Pure data and string functions: the host (endpoints, transform jobs, InvokeEndpoint) and the images use it.
 */

export const Serving = {
  port: 8080,
  /** The port the container listens on, when not 8080 (the process runtime picks a free one). */
  portEnv: 'SAGEMAKER_BIND_TO_PORT',
  /** The address to bind (sagepipe's own variable: loopback for a process, every interface in a container). */
  bindHostEnv: 'SAGEPIPE_BIND_HOST',
  /** An inference script's default Accept (AWS's toolkits read it). */
  defaultAcceptEnv: 'SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT',
  ping: '/ping',
  invocations: '/invocations',
} as const;

export const ContentType = {
  csv: 'text/csv',
  json: 'application/json',
  libsvm: 'text/libsvm',
  npy: 'application/x-npy',
  text: 'text/plain',
} as const;

/** What the host sends when the caller names no content type, and what the built-in XGBoost reads then. */
export const DEFAULT_CONTENT_TYPE = ContentType.csv;

/** The media type of a Content-Type or Accept value: `text/csv; charset=utf-8` → `text/csv`. */
export const mediaType = (header: string | undefined, fallback: string = DEFAULT_CONTENT_TYPE): string => (header ?? fallback).split(';')[0]?.trim().toLowerCase() || fallback;

/** An error answer's body. */
export const errorBody = (message: string): string => JSON.stringify({ error: message });

/** The reason in an error answer: its `error` field, else the body as it is (a script's own text). */
export function errorReason(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown } | null;
    if (parsed && typeof parsed === 'object' && parsed.error !== undefined) return String(parsed.error).trim();
  } catch {
    // Plain text.
  }
  return body.trim();
}

/** Predictions as JSON (`{"predictions": [{"score": …}]}`, the built-in XGBoost's answer). */
export const jsonPredictions = (scores: ArrayLike<number>): string => JSON.stringify({ predictions: Array.from(scores, (score) => ({ score })) });

/** Predictions as CSV: one per line. */
export const csvPredictions = (scores: ArrayLike<number>): string => `${Array.from(scores).join('\n')}\n`;

/** Calls to the UI server's JSON API; state-changing calls carry the page's token. */
const token = document.querySelector('meta[name="sagepipe-token"]')?.getAttribute('content') ?? '';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function handle<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(res.status, body.error?.code ?? 'ERROR', body.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

export async function get<T>(path: string): Promise<T> {
  return handle<T>(await fetch(path, { headers: { Accept: 'application/json' } }));
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  return handle<T>(await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Sagepipe-UI-Token': token }, body: JSON.stringify(body) }));
}

export const workspacePath = document.querySelector('meta[name="sagepipe-workspace"]')?.getAttribute('content') ?? '';

/**
 * `serve`: SageMaker's inference-container contract. An HTTP server on port 8080 (or SAGEMAKER_BIND_TO_PORT) with
 * `GET /ping` and `POST /invocations`, predicting with /opt/ml/model/xgboost-model. Requests are `text/csv` (rows
 * without label) or `application/json` (`[[…],…]`, `{"instances": [[…]]}` or `{"instances": [{"features": […]}]}`);
 * responses are one prediction per line, or `{"predictions": [{"score": …}]}` when JSON is accepted.
 * A malformed request gets 400 with the reason; the server never crashes on one.
 */
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { join } from 'node:path';
import { CsvError, parseNumericCsv } from '../runtime/csv.ts';
import { readRequestBody } from '../runtime/http-body.ts';
import { ContainerPaths, ModelArchive, containerPath } from '../contract/paths.ts';
import { ContentType, Serving, csvPredictions, errorBody, jsonPredictions, mediaType } from '../contract/serving.ts';
import { Booster, type Matrix } from '../runtime/xgboost.ts';

const MAX_BODY = 100 * 1024 * 1024;

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseJsonInstances(text: string): Matrix {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new RequestError(400, `body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const instances = Array.isArray(body) ? body : (body as { instances?: unknown })?.instances;
  if (!Array.isArray(instances)) throw new RequestError(400, 'JSON body must be a list of rows or {"instances": [...]}');
  const rows = instances.map((r, i) => {
    const row = Array.isArray(r) ? r : (r as { features?: unknown })?.features;
    if (!Array.isArray(row) || row.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new RequestError(400, `instance ${i} must be a list of numbers (or {"features": [numbers]})`);
    }
    return row as number[];
  });
  return toMatrix(rows);
}

function toMatrix(rows: number[][]): Matrix {
  const cols = rows[0]?.length ?? 0;
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new RequestError(400, `row ${i + 1} has ${r.length} values, expected ${cols}`);
  });
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { rows: rows.length, cols, data };
}

export function parseCsvInstances(text: string): Matrix {
  try {
    return parseNumericCsv(text, { labelColumn: false }).features;
  } catch (error) {
    if (error instanceof CsvError) throw new RequestError(400, `malformed CSV: ${error.message}`);
    throw error;
  }
}

export function createInferenceServer(booster: Booster): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === Serving.ping) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    if (url !== Serving.invocations) throw new RequestError(404, `no route ${req.method} ${url} (use GET ${Serving.ping}, POST ${Serving.invocations})`);
    if (req.method !== 'POST') throw new RequestError(405, `${Serving.invocations} takes POST`);
    const type = mediaType(req.headers['content-type']);
    const body = (await readRequestBody(req, MAX_BODY, () => new RequestError(413, `payload larger than ${MAX_BODY} bytes`))).toString('utf8');
    if (body.trim() === '') throw new RequestError(400, 'empty request body');
    let matrix: Matrix;
    if (type === ContentType.csv) matrix = parseCsvInstances(body);
    else if (type === ContentType.json) matrix = parseJsonInstances(body);
    else throw new RequestError(415, `content type '${type}' is not supported (${ContentType.csv}, ${ContentType.json})`);
    const predictions = booster.predict(matrix);
    // No preference (or */*) answers in the request's own format.
    const acceptHeader = (req.headers.accept ?? '').toLowerCase();
    const accept = acceptHeader === '' || acceptHeader.startsWith('*/*') ? type : acceptHeader;
    if (accept.includes(ContentType.json)) res.writeHead(200, { 'Content-Type': ContentType.json }).end(jsonPredictions(predictions));
    else res.writeHead(200, { 'Content-Type': ContentType.csv }).end(csvPredictions(predictions));
  };
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof RequestError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': ContentType.json });
      res.end(errorBody(message));
    });
  });
}

export async function serveMain(): Promise<number> {
  const modelFile = join(containerPath(ContainerPaths.model), ModelArchive.xgboostModel);
  let booster: Booster;
  try {
    booster = await Booster.load(readFileSync(modelFile));
  } catch (error) {
    process.stderr.write(`cannot load the model ${modelFile}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const port = Number(process.env[Serving.portEnv] ?? Serving.port);
  const server = createInferenceServer(booster);
  // In a container every interface (the host publishes the port on loopback); as a process, loopback only.
  const host = process.env[Serving.bindHostEnv] ?? '0.0.0.0';
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  process.stdout.write(`serving ${ContainerPaths.model}/${ModelArchive.xgboostModel} on port ${port}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return new Promise<number>(() => undefined);
}

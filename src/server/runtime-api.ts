/** SageMaker Runtime's InvokeEndpoint (`POST /endpoints/<name>/invocations`, restJson1): the body goes to the endpoint as it is. */
import type { ServerResponse } from 'node:http';
import type { Endpoints } from '../../local-runner/endpoints/endpoints.ts';
import { errorMessage } from '../errors.ts';
import { DEFAULT_CONTENT_TYPE } from '../../containers/contract/serving.ts';

export const INVOCATION_PATH = /^\/endpoints\/([^/]+)\/invocations$/;

export async function invokeEndpoint(endpoints: Endpoints, name: string, body: Buffer, headers: { contentType?: string; accept?: string }, res: ServerResponse): Promise<number> {
  try {
    const answer = await endpoints.invoke(name, body, headers.contentType ?? DEFAULT_CONTENT_TYPE, headers.accept);
    res.writeHead(200, { 'Content-Type': answer.contentType || DEFAULT_CONTENT_TYPE, 'x-Amzn-Invoked-Production-Variant': 'AllTraffic' }).end(answer.body);
    return 200;
  } catch (error) {
    const message = errorMessage(error);
    const type = /answered 4\d\d/.test(message) ? 'ModelError' : /no endpoint|not a valid endpoint|does not exist/.test(message) ? 'ValidationError' : 'ServiceUnavailable';
    const status = type === 'ModelError' ? 424 : type === 'ValidationError' ? 400 : 503;
    res.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type }).end(JSON.stringify({ message, Message: message }));
    return status;
  }
}

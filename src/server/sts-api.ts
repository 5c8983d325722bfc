/**
 * STS's query protocol (`Action=GetCallerIdentity&Version=2011-06-15`, XML answers): the SageMaker Python SDK asks
 * it for the account of the default bucket's name. The caller is the workspace's account.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from './http/api-error.ts';
import { el, xmlEscape } from './s3/xml.ts';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function handleSts(body: Buffer, res: ServerResponse, identity: { account: string; accessKeyId: string }): void {
  const form = new URLSearchParams(body.toString('utf8'));
  const action = form.get('Action') ?? '';
  const requestId = crypto.randomUUID();
  if (action !== 'GetCallerIdentity') throw new ApiError('InvalidAction', `Could not find operation ${action} for version ${form.get('Version') ?? ''} (sagepipe serve implements STS GetCallerIdentity only)`);
  const result = `${el('Arn', `arn:aws:iam::${identity.account}:root`)}${el('UserId', identity.accessKeyId || identity.account)}${el('Account', identity.account)}`;
  res
    .writeHead(200, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId })
    .end(`<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult>${result}</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
}

export function sendStsError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(error.status, { 'Content-Type': 'text/xml' })
    .end(`<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${xmlEscape(error.type)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`);
}

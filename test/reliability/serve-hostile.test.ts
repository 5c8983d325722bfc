/**
 * Hostile requests to `sagepipe serve`: traversal in every name field and S3 key, oversized bodies, forged Host and
 * browser origins, forged or replayed signatures, host files as inputs, host code under the process runtime. Each
 * is refused with a 4xx, and no file outside the workspace is created, read back or removed.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { SageMakerClient, ListPipelinesCommand } from '@aws-sdk/client-sagemaker';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/context.ts';
import { type RunningServe, startServe } from '../helpers/serve.ts';

/** A SHA-256 (or HMAC) for smithy's signer, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret) : Buffer.from(secret as ArrayBuffer)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

/** The request shape smithy's signer takes. */
const httpRequest = (r: { method: string; protocol: string; hostname: string; port: number; path: string; headers: Record<string, string> }) => ({ query: {}, ...r });
interface Signed {
  readonly headers: Record<string, string>;
  readonly path: string;
  readonly query?: Record<string, string>;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Any signed-looking Authorization header: without configured credentials, serve takes any. */
const LOOKS_SIGNED = 'AWS4-HMAC-SHA256 Credential=dummy/20250101/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=00';

function send(serve: RunningServe, options: { method?: string; path?: string; headers?: Record<string, string | number>; body?: string | Buffer; chunks?: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: serve.port, method: options.method ?? 'POST', path: options.path ?? '/', headers: { authorization: LOOKS_SIGNED, ...options.headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    if (options.chunks) {
      // A body without Content-Length, bigger than any limit: the server must stop it.
      const chunk = Buffer.alloc(1024 * 1024, 1);
      let sent = 0;
      const more = () => {
        while (sent < (options.chunks as number)) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', more);
        }
        req.end();
      };
      req.on('error', () => undefined);
      more();
    } else req.end(options.body);
  });
}

const sagemaker = (serve: RunningServe, op: string, input: unknown) =>
  send(serve, { headers: { 'x-amz-target': `SageMaker.${op}`, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(input) });

const outside = tempDir('sagepipe-outside-');
const sentinel = join(outside.path, 'sentinel.json');
let serve: RunningServe;

beforeAll(async () => {
  writeFileSync(sentinel, '{"PipelineName":"sentinel","PipelineDefinition":"{}"}');
  serve = await startServe({ maxRequestBytes: 2 * 1024 * 1024, maxObjectBytes: 3 * 1024 * 1024 });
});
afterAll(async () => {
  await serve?.close();
  outside.remove();
});

const escape = () => `../../../../../../../../${outside.path.slice(1)}/sentinel`;

describe('serve refuses traversal in every name it turns into a file', () => {
  it('GIVEN names that climb out of the workspace WHEN used in every operation that takes one THEN 400 ValidationException, and the outside folder is untouched', async () => {
    const role = 'arn:aws:iam::000000000000:role/r';
    const definition = JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }] });
    const bad = escape();
    const calls: [string, Record<string, unknown>][] = [
      ['CreatePipeline', { PipelineName: bad, PipelineDefinition: definition, RoleArn: role, ClientRequestToken: 't' }],
      ['UpdatePipeline', { PipelineName: bad, PipelineDefinition: definition }],
      ['DescribePipeline', { PipelineName: bad }],
      ['DeletePipeline', { PipelineName: bad, ClientRequestToken: 't' }],
      ['StartPipelineExecution', { PipelineName: bad, ClientRequestToken: 't' }],
      ['ListPipelineExecutions', { PipelineName: bad }],
      ['DescribePipelineExecution', { PipelineExecutionArn: `arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/${bad}` }],
      ['CreateModel', { ModelName: bad, PrimaryContainer: { Image: 'x' }, ExecutionRoleArn: role }],
      ['DescribeModel', { ModelName: bad }],
      ['DeleteModel', { ModelName: bad }],
      ['CreateEndpointConfig', { EndpointConfigName: bad, ProductionVariants: [{ VariantName: 'v', ModelName: 'm' }] }],
      ['DescribeEndpointConfig', { EndpointConfigName: bad }],
      ['DeleteEndpointConfig', { EndpointConfigName: bad }],
      ['CreateEndpoint', { EndpointName: bad, EndpointConfigName: 'c' }],
      ['DescribeEndpoint', { EndpointName: bad }],
      ['DeleteEndpoint', { EndpointName: bad }],
      ['CreateModelPackageGroup', { ModelPackageGroupName: bad }],
      ['DescribeModelPackageGroup', { ModelPackageGroupName: bad }],
      ['ListModelPackages', { ModelPackageGroupName: bad }],
      ['CreateModelPackage', { ModelPackageGroupName: bad, InferenceSpecification: { Containers: [] } }],
      ['DescribeModelPackage', { ModelPackageName: `${bad}/1` }],
      ['UpdateModelPackage', { ModelPackageArn: `${bad}/1`, ModelApprovalStatus: 'Approved' }],
      ['AddTags', { ResourceArn: bad, Tags: [{ Key: 'k', Value: 'v' }] }],
      ['DescribeProcessingJob', { ProcessingJobName: bad }],
      ['DescribeTrainingJob', { TrainingJobName: bad }],
    ];
    for (const [op, input] of calls) {
      const answer = await sagemaker(serve, op, input);
      expect([op, answer.status, JSON.parse(answer.body).__type]).toEqual([op, 400, 'ValidationException']);
    }
    expect(readdirSync(outside.path)).toEqual(['sentinel.json']);
    expect(readFileSync(sentinel, 'utf8')).toContain('"sentinel"');
  });

  it('GIVEN S3 keys and buckets that climb out WHEN put, read, copied or deleted THEN 4xx and nothing outside changes', async () => {
    await send(serve, { method: 'PUT', path: '/hostile-bucket' });
    const attempts: { method: string; path: string; headers?: Record<string, string> }[] = [
      { method: 'PUT', path: `/hostile-bucket/${escape()}` },
      { method: 'PUT', path: `/hostile-bucket/${encodeURIComponent(escape())}` },
      { method: 'PUT', path: `/hostile-bucket/a/%2e%2e/%2e%2e/%2e%2e/x` },
      { method: 'GET', path: `/hostile-bucket/${encodeURIComponent(escape())}.json` },
      { method: 'DELETE', path: `/hostile-bucket/${encodeURIComponent(escape())}.json` },
      { method: 'PUT', path: '/..' },
      { method: 'GET', path: '/%2e%2e/x' },
      { method: 'PUT', path: '/hostile-bucket/copied', headers: { 'x-amz-copy-source': `/hostile-bucket/${encodeURIComponent(escape())}.json` } },
    ];
    for (const a of attempts) {
      const answer = await send(serve, { method: a.method, path: a.path, headers: { ...a.headers, authorization: LOOKS_SIGNED.replace('/sagemaker/', '/s3/') }, body: 'x' });
      expect([a.method, a.path, answer.status >= 400 && answer.status < 500]).toEqual([a.method, a.path, true]);
    }
    expect(readdirSync(outside.path)).toEqual(['sentinel.json']);
    expect(readFileSync(sentinel, 'utf8')).toContain('"sentinel"');
  });

  it('GIVEN leftover files with names no pipeline can have WHEN listing pipelines THEN 200 with the valid ones only', async () => {
    mkdirSync(join(serve.workspace, 'pipelines'), { recursive: true });
    writeFileSync(join(serve.workspace, 'pipelines', 'undefined.json'), 'not json');
    writeFileSync(join(serve.workspace, 'pipelines', 'bad name.json'), '{}');
    const answer = await sagemaker(serve, 'ListPipelines', {});
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).PipelineSummaries).toEqual([]);
  });
});

describe('serve answers only to itself, and not to browsers', () => {
  it('GIVEN a forged Host (DNS rebinding) WHEN calling THEN 403', async () => {
    const answer = await send(serve, { headers: { host: 'evil.example.com', 'x-amz-target': 'SageMaker.ListPipelines', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain("Host 'evil.example.com' is not served here");
  });

  it.each([['origin', 'https://evil.example.com'], ['sec-fetch-site', 'cross-site'], ['sec-fetch-dest', 'empty']])('GIVEN a browser header %s WHEN calling THEN 403', async (name, value) => {
    const answer = await send(serve, { headers: { [name]: value, 'x-amz-target': 'SageMaker.ListPipelines', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(answer.status).toBe(403);
  });

  it('GIVEN a presigned-style query string WHEN serve has no credentials to verify it THEN it does not count as signed', async () => {
    const answer = await send(serve, { method: 'GET', path: '/hostile-bucket?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/20250101/us-east-1/s3/aws4_request&X-Amz-Signature=00', headers: { authorization: '' } });
    expect(answer.status).toBe(403);
  });
});

describe('serve bounds what it reads', () => {
  it('GIVEN a JSON body over the limit WHEN announced THEN 413 without reading it', async () => {
    const answer = await send(serve, { headers: { 'x-amz-target': 'SageMaker.CreatePipeline', 'content-type': 'application/x-amz-json-1.1' }, body: `{"x":"${'a'.repeat(3 * 1024 * 1024)}"}` });
    expect(answer.status).toBe(413);
  });

  it('GIVEN an object over the limit WHEN put with Content-Length, or streamed without one THEN 413 and no object', async () => {
    const s3auth = LOOKS_SIGNED.replace('/sagemaker/', '/s3/');
    const announced = await send(serve, { method: 'PUT', path: '/hostile-bucket/big.bin', headers: { authorization: s3auth, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: Buffer.alloc(4 * 1024 * 1024) });
    expect(announced.status).toBe(413);
    const streamed = await send(serve, { method: 'PUT', path: '/hostile-bucket/big.bin', headers: { authorization: s3auth, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'transfer-encoding': 'chunked' }, chunks: 8 }).catch(
      (error: NodeJS.ErrnoException) => ({ status: error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 413 : 0, headers: {}, body: '' }),
    );
    expect(streamed.status).toBe(413);
    expect((await send(serve, { method: 'HEAD', path: '/hostile-bucket/big.bin', headers: { authorization: s3auth } })).status).toBe(404);
  });

  it('GIVEN an inline definition over the service\'s 1 MiB limit WHEN created THEN ValidationException, and other requests are answered meanwhile', async () => {
    const steps = Array.from({ length: 6000 }, (_, i) => ({ Name: `S${i}`, Type: 'Fail', Arguments: { ErrorMessage: 'x'.repeat(150) } }));
    const big = JSON.stringify({ Version: '2020-12-01', Steps: steps });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const [created, listed] = await Promise.all([
      sagemaker(serve, 'CreatePipeline', { PipelineName: 'huge', PipelineDefinition: big, RoleArn: 'arn:aws:iam::000000000000:role/r', ClientRequestToken: 't' }),
      sagemaker(serve, 'ListPipelines', {}),
    ]);
    expect(created.status).toBe(400);
    expect(created.body).toContain('Member must have length between 1 and 1048576');
    expect(listed.status).toBe(200);
  });

  it('GIVEN an object over 2 GiB WHEN read with a Range THEN 206 with those bytes', async () => {
    const file = join(serve.workspace, 's3', 'hostile-bucket', 'sparse.bin');
    writeFileSync(file, '');
    truncateSync(file, 2 ** 31 + 4096);
    const s3auth = LOOKS_SIGNED.replace('/sagemaker/', '/s3/');
    const head = await send(serve, { method: 'HEAD', path: '/hostile-bucket/sparse.bin', headers: { authorization: s3auth } });
    expect(head.headers['content-length']).toBe(String(2 ** 31 + 4096));
    const answer = await send(serve, { method: 'GET', path: '/hostile-bucket/sparse.bin', headers: { authorization: s3auth, range: `bytes=${2 ** 31}-${2 ** 31 + 9}` } });
    expect(answer.status).toBe(206);
    expect(answer.headers['content-range']).toBe(`bytes ${2 ** 31}-${2 ** 31 + 9}/${2 ** 31 + 4096}`);
    expect(answer.body).toBe('\0'.repeat(10));
  }, 60_000);
});

/** A Fail step whose message is a Join nested `depth` deep. */
const deepJoin = (depth: number) => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { 'Std:Join': { On: '', Values: [value] } };
  return JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: value } }] });
};
/** `n` Fail steps, each depending on the one before. */
const chain = (n: number) =>
  JSON.stringify({ Version: '2020-12-01', Steps: Array.from({ length: n }, (_, i) => ({ Name: `S${i}`, Type: 'Fail', Arguments: { ErrorMessage: 'x' }, ...(i ? { DependsOn: [`S${i - 1}`] } : {}) })) });

describe('serve errors are the service\'s', () => {
  it('GIVEN Object.prototype names as operations WHEN called THEN UnknownOperationException, never 200 or 500', async () => {
    for (const op of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const answer = await sagemaker(serve, op, {});
      expect([op, answer.status, JSON.parse(answer.body).__type]).toEqual([op, 400, 'UnknownOperationException']);
    }
  });

  it('GIVEN inputs of the wrong type WHEN called THEN 400 ValidationException naming the field, never InternalFailure', async () => {
    const cases: [string, unknown, string][] = [
      ['ListPipelines', { MaxResults: 'ten' }, 'maxResults'],
      ['ListPipelines', { MaxResults: 1000 }, 'maxResults'],
      ['ListModelPackages', { SortOrder: 'Sideways' }, 'sortOrder'],
      ['CreatePipeline', { PipelineName: 'x', RoleArn: 'arn:aws:iam::000000000000:role/r', ClientRequestToken: 't', PipelineDefinition: 'not json' }, 'PipelineDefinition'],
      ['CreatePipeline', { PipelineName: 'x', RoleArn: 'arn:aws:iam::000000000000:role/r', ClientRequestToken: 't', PipelineDefinition: deepJoin(1000) }, 'nested more than 64 levels'],
      ['CreatePipeline', { PipelineName: 'x', RoleArn: 'arn:aws:iam::000000000000:role/r', ClientRequestToken: 't', PipelineDefinition: chain(600) }, 'at most 500'],
      ['DescribeModelPackage', { ModelPackageName: 42 }, 'modelPackageName'],
      ['ListPipelines', { NextToken: 'forged' }, 'pagination token'],
    ];
    for (const [op, input, field] of cases) {
      const answer = await sagemaker(serve, op, input);
      expect([op, answer.status, JSON.parse(answer.body).__type]).toEqual([op, 400, 'ValidationException']);
      expect(JSON.parse(answer.body).message).toContain(field);
    }
  });
});

describe('serve with credentials verifies signatures', () => {
  let locked: RunningServe;
  const credentials = { accessKeyId: 'AKIDSERVE', secretAccessKey: 'the-secret' };
  beforeAll(async () => {
    locked = await startServe({ credentials });
  });
  afterAll(() => locked?.close());

  it('GIVEN the right keys THEN answered; a wrong secret or another access key THEN 403', async () => {
    const client = (secretAccessKey: string, accessKeyId = credentials.accessKeyId) => new SageMakerClient({ region: 'us-east-1', endpoint: locked.url, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    expect((await client(credentials.secretAccessKey).send(new ListPipelinesCommand({}))).PipelineSummaries).toEqual([]);
    await expect(client('wrong').send(new ListPipelinesCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 }, name: 'SignatureDoesNotMatch' });
    await expect(client(credentials.secretAccessKey, 'OTHER').send(new ListPipelinesCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 }, name: 'InvalidClientTokenId' });
    const unsignedLookalike = await send(locked, { headers: { 'x-amz-target': 'SageMaker.ListPipelines', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(unsignedLookalike.status).toBe(403);
  });

  it('GIVEN a presigned URL WHEN it verifies THEN the object; tampered or signed with another secret THEN 403', async () => {
    const signer = (secretAccessKey: string) => new SignatureV4({ credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey }, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false });
    const put = (await signer(credentials.secretAccessKey).sign(
      httpRequest({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: locked.port, path: '/bk1', headers: { host: `127.0.0.1:${locked.port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
    )) as Signed;
    const bucket = await send(locked, { method: 'PUT', path: '/bk1', headers: put.headers });
    expect(bucket.status, bucket.body).toBe(200);
    const object = (await signer(credentials.secretAccessKey).sign(
      httpRequest({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: locked.port, path: '/bk1/k.txt', headers: { host: `127.0.0.1:${locked.port}`, 'x-amz-content-sha256': createHash('sha256').update('secret data').digest('hex') } }),
    )) as Signed;
    expect((await send(locked, { method: 'PUT', path: '/bk1/k.txt', headers: object.headers, body: 'secret data' })).status).toBe(200);
    // The payload hash is checked against what arrived.
    expect((await send(locked, { method: 'PUT', path: '/bk1/k.txt', headers: object.headers, body: 'other data!' })).status).toBe(400);
    const presign = async (secret: string) => {
      const url = (await signer(secret).presign(httpRequest({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: locked.port, path: '/bk1/k.txt', headers: { host: `127.0.0.1:${locked.port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }), { expiresIn: 60 })) as Signed;
      return `${url.path}?${Object.entries(url.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
    };
    const good = await presign(credentials.secretAccessKey);
    const got = await send(locked, { method: 'GET', path: good, headers: { authorization: '' } });
    expect([got.status, got.body]).toEqual([200, 'secret data']);
    expect((await send(locked, { method: 'GET', path: good.replace('/bk1/k.txt', '/bk1/other.txt'), headers: { authorization: '' } })).status).toBe(403);
    expect((await send(locked, { method: 'GET', path: await presign('not-the-secret'), headers: { authorization: '' } })).status).toBe(403);
  });
});

describe('serve keeps jobs off the host', () => {
  it('GIVEN a pipeline whose input is a host file WHEN run THEN the step fails with a ClientError and the file never reaches S3', async () => {
    const role = 'arn:aws:iam::000000000000:role/r';
    const step = (uri: string) => ({
      Name: 'Steal',
      Type: 'Processing',
      Arguments: {
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
        AppSpecification: { ImageUri: 'sagepipe-xgboost:0.1.0' },
        RoleArn: role,
        ProcessingInputs: [{ InputName: 'loot', S3Input: { S3Uri: uri, LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix', S3InputMode: 'File' } }],
        ProcessingOutputConfig: { Outputs: [{ OutputName: 'out', S3Output: { S3Uri: 's3://hostile-bucket/loot', LocalPath: '/opt/ml/processing/input', S3UploadMode: 'EndOfJob' } }] },
      },
    });
    for (const [name, uri] of [['steal-path', sentinel], ['steal-url', `file://${sentinel}`]] as const) {
      expect((await sagemaker(serve, 'CreatePipeline', { PipelineName: name, PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Steps: [step(uri)] }), RoleArn: role, ClientRequestToken: name })).status).toBe(200);
      const arn = JSON.parse((await sagemaker(serve, 'StartPipelineExecution', { PipelineName: name, ClientRequestToken: name })).body).PipelineExecutionArn as string;
      let described: { PipelineExecutionStatus: string; FailureReason?: string } = { PipelineExecutionStatus: 'Executing' };
      for (let i = 0; i < 100 && described.PipelineExecutionStatus === 'Executing'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        described = JSON.parse((await sagemaker(serve, 'DescribePipelineExecution', { PipelineExecutionArn: arn })).body);
      }
      expect(described.PipelineExecutionStatus).toBe('Failed');
      expect(described.FailureReason).toContain('sagepipe serve reads inputs from S3 only');
    }
    const s3auth = LOOKS_SIGNED.replace('/sagemaker/', '/s3/');
    expect((await send(serve, { method: 'GET', path: '/hostile-bucket?list-type=2&prefix=loot', headers: { authorization: s3auth } })).body).not.toContain('<Key>');
  });

  it('GIVEN the process runtime WHEN a job names its own entrypoint THEN refused without --allow-host-code', async () => {
    const role = 'arn:aws:iam::000000000000:role/r';
    const definition = {
      Version: '2020-12-01',
      Steps: [
        {
          Name: 'Run',
          Type: 'Processing',
          Arguments: {
            ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
            AppSpecification: { ImageUri: 'sagepipe-node:0.1.0', ContainerEntrypoint: ['node', '-e', `require('fs').writeFileSync('${outside.path}/pwned', 'x')`] },
            RoleArn: role,
          },
        },
      ],
    };
    await sagemaker(serve, 'CreatePipeline', { PipelineName: 'host-code', PipelineDefinition: JSON.stringify(definition), RoleArn: role, ClientRequestToken: 'h' });
    const arn = JSON.parse((await sagemaker(serve, 'StartPipelineExecution', { PipelineName: 'host-code', ClientRequestToken: 'h' })).body).PipelineExecutionArn as string;
    let described: { PipelineExecutionStatus: string; FailureReason?: string } = { PipelineExecutionStatus: 'Executing' };
    for (let i = 0; i < 100 && described.PipelineExecutionStatus === 'Executing'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      described = JSON.parse((await sagemaker(serve, 'DescribePipelineExecution', { PipelineExecutionArn: arn })).body);
    }
    expect(described.PipelineExecutionStatus).toBe('Failed');
    expect(described.FailureReason).toContain('--allow-host-code');
    expect(readdirSync(outside.path)).toEqual(['sentinel.json']);
  });
});

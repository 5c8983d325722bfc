/** The real ports of `images push`: Amazon ECR through the AWS SDK, and Docker through dockerode. */
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { DockerRuntime } from '../../local-runner/runtime/docker-runtime.ts';
import { awsError } from './remote-run.ts';
import type { DockerPushPort, EcrPort } from './push-images.ts';

export function ecrPort(region: string, endpoint: string | undefined): EcrPort {
  const client = new ECRClient({ region, ...(endpoint ? { endpoint } : {}) });
  return {
    async ensureRepository(name) {
      try {
        await client.send(new CreateRepositoryCommand({ repositoryName: name }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'RepositoryAlreadyExistsException') return false;
        throw awsError(error, `creating ECR repository ${name}`);
      }
    },
    async authorization() {
      try {
        const out = await client.send(new GetAuthorizationTokenCommand({}));
        const data = out.authorizationData?.[0];
        const [username = 'AWS', password = ''] = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8').split(':');
        return { username, password, registry: data?.proxyEndpoint ?? '' };
      } catch (error) {
        throw awsError(error, 'getting an ECR authorization token');
      }
    },
  };
}

export function dockerPushPort(runtime: DockerRuntime): DockerPushPort {
  const docker = runtime.docker;
  return {
    hasImage: (name) => runtime.hasImage(name),
    async tag(source, repository, tag) {
      await docker.getImage(source).tag({ repo: repository, tag });
    },
    async push(repository, tag, auth, progress) {
      const stream = await docker.getImage(`${repository}:${tag}`).push({ tag, authconfig: auth });
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(
          stream,
          (error: Error | null, output: { error?: string }[]) => {
            const failed = error?.message ?? output.find((o) => o.error)?.error;
            if (failed) reject(new Error(failed));
            else resolve();
          },
          (event: { status?: string; id?: string; progress?: string }) => {
            if (event.status && !event.progress) progress(`  ${event.id ? `${event.id}: ` : ''}${event.status}`);
          },
        );
      });
    },
  };
}

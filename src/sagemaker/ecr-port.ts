/** The ECR port of `images push`, through the AWS SDK (the Docker port is the Docker runtime itself). */
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { awsError } from './remote-run.ts';
import type { EcrPort } from './push-images.ts';

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

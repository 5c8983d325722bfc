import { describe, expect, it } from 'vitest';
import { resolveContext } from '../../src/compile/compile.ts';
import { type DockerPushPort, type EcrPort, pushImages } from '../../src/sagemaker/push-images.ts';

function fakes(existingRepos: string[], failPush = false) {
  const calls: string[] = [];
  const ecr: EcrPort = {
    async ensureRepository(name) {
      calls.push(`repo ${name}`);
      return !existingRepos.includes(name);
    },
    async authorization() {
      return { username: 'AWS', password: 'secret', registry: 'https://111122223333.dkr.ecr.eu-west-1.amazonaws.com' };
    },
  };
  const docker: DockerPushPort = {
    hasImage: async (name) => name.startsWith('sagepipe-'),
    async tag(source, repository, tag) {
      calls.push(`tag ${source} ${repository}:${tag}`);
    },
    async push(repository, tag, auth) {
      calls.push(`push ${repository}:${tag} as ${auth.username}@${auth.serveraddress}`);
      if (failPush) throw new Error('denied: not authorized');
    },
  };
  return { ecr, docker, calls };
}

describe('images push', () => {
  it('GIVEN built images WHEN pushed THEN missing repositories are created and the URIs are the ones compiled definitions use', async () => {
    const { ecr, docker, calls } = fakes(['sagepipe-node']);
    const progress: string[] = [];
    const pushed = await pushImages(ecr, docker, { images: ['xgboost', 'node'], account: '111122223333', region: 'eu-west-1', version: '0.1.0', progress: (l) => progress.push(l) });
    const ctx = resolveContext({ account: '111122223333', region: 'eu-west-1' }, '0.1.0');
    expect(pushed).toEqual([ctx.imageUri('xgboost'), ctx.imageUri('node')]);
    expect(calls).toEqual([
      'repo sagepipe-xgboost',
      'tag sagepipe-xgboost:0.1.0 111122223333.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-xgboost:0.1.0',
      'push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-xgboost:0.1.0 as AWS@https://111122223333.dkr.ecr.eu-west-1.amazonaws.com',
      'repo sagepipe-node',
      'tag sagepipe-node:0.1.0 111122223333.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-node:0.1.0',
      'push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-node:0.1.0 as AWS@https://111122223333.dkr.ecr.eu-west-1.amazonaws.com',
    ]);
    expect(progress).toContain('created ECR repository sagepipe-xgboost');
    expect(progress).not.toContain('created ECR repository sagepipe-node');
  });

  it('GIVEN a push the registry refuses WHEN pushed THEN the error names the URI and the reason', async () => {
    const { ecr, docker } = fakes([], true);
    await expect(pushImages(ecr, docker, { images: ['node'], account: '111122223333', region: 'eu-west-1', version: '0.1.0', progress: () => undefined })).rejects.toThrowError(
      'pushing 111122223333.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-node:0.1.0 failed: denied: not authorized',
    );
  });
});

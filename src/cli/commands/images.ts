/** `sagepipe images build|list`: sagepipe's step images, built through Docker without pulling anything. */
import type { Command } from 'commander';
import { DockerRuntime } from '../../../local-runner/runtime/docker-runtime.ts';
import { ImageBuilder } from '../../../local-runner/runtime/image-builder.ts';
import { PROJECT_IMAGES, type ProjectImage } from '../../../local-runner/images/catalogue.ts';
import { PYTHON_BASE_IMAGE } from '../../../local-runner/images/python-base.ts';
import { packageRoot } from '../../compile/bundle.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import { VERSION } from '../../version.ts';
import { contentTag, readContentTags, versionTag } from '../../../local-runner/images/build-context.ts';
import type { CliIO } from '../io.ts';

async function docker(): Promise<DockerRuntime> {
  if (!(await DockerRuntime.available())) {
    throw new SagepipeError(ErrorCode.ImageUnavailable, 'no Docker daemon answers: start Docker to build images (the process runtime needs none)');
  }
  return new DockerRuntime();
}

export function registerImageCommands(program: Command, io: CliIO): void {
  const images = program.command('images').description("sagepipe's step images");
  images
    .command('build')
    .description(`build sagepipe's images, tagged by content (${VERSION}-<hash of what they hold>) and ${VERSION}; offline, from this machine's Node.js when no base image is present`)
    .argument('[images...]', `which (${PROJECT_IMAGES.join(', ')}); default all`)
    .option('--base <image>', "sagepipe-node's base image (ARG BASE_IMAGE); default node:20-bookworm-slim if present, else a local one. The Python images build on a Debian base made with mmdebstrap (once)")
    .option('--quiet', 'print only the result')
    .action(async (names: string[], opts: { base?: string; quiet?: boolean }) => {
      const unknown = names.filter((n) => !(PROJECT_IMAGES as readonly string[]).includes(n));
      if (unknown.length > 0) throw new SagepipeError(ErrorCode.UsageError, `unknown image ${unknown.join(', ')} (images: ${PROJECT_IMAGES.join(', ')})`);
      const builder = new ImageBuilder(await docker());
      const root = packageRoot();
      const contentTags = readContentTags(root, VERSION);
      const options = { version: VERSION, root, tagVersion: true, ...(contentTags ? { contentTags } : {}), ...(opts.base ? { baseImage: opts.base } : {}), progress: (l: string) => opts.quiet || io.err(`  ${l}\n`) };
      const started = Date.now();
      const list = (names.length > 0 ? names : [...PROJECT_IMAGES]) as ProjectImage[];
      for (const name of list) {
        const tag = await builder.build(name, options);
        const plain = versionTag(name, VERSION);
        io.out(`built ${tag}${tag === plain ? '' : ` (also tagged ${plain})`}\n`);
      }
      io.err(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });
  images
    .command('push')
    .description(`push sagepipe's images (tag ${VERSION}) to Amazon ECR, creating the repositories when missing`)
    .argument('[images...]', `which (${PROJECT_IMAGES.join(', ')}); default all`)
    .option('--region <region>', 'AWS region (default: $AWS_REGION)')
    .option('--account <id>', 'AWS account id (default: $SAGEPIPE_ACCOUNT or the role ARN\'s)')
    .option('--role-arn <arn>', 'used only to infer the account')
    .option('--endpoint-url <url>', 'an ECR-compatible endpoint')
    .action(async (names: string[], opts: { region?: string; account?: string; roleArn?: string; endpointUrl?: string }) => {
      const unknown = names.filter((n) => !(PROJECT_IMAGES as readonly string[]).includes(n));
      if (unknown.length > 0) throw new SagepipeError(ErrorCode.UsageError, `unknown image ${unknown.join(', ')} (images: ${PROJECT_IMAGES.join(', ')})`);
      const { resolveAwsSettings } = await import('../../sagemaker/aws-settings.ts');
      const settings = resolveAwsSettings({ ...(opts.region ? { region: opts.region } : {}), ...(opts.account ? { account: opts.account } : {}), ...(opts.roleArn ? { roleArn: opts.roleArn } : {}), ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}) }, io.env, io.cwd, { role: false });
      if (!opts.account && !io.env.SAGEPIPE_ACCOUNT && !opts.roleArn && !io.env.SAGEPIPE_ROLE_ARN) {
        throw new SagepipeError(ErrorCode.UsageError, 'no AWS account id for the repository URIs: set --account or SAGEPIPE_ACCOUNT');
      }
      const { pushImages } = await import('../../sagemaker/push-images.ts');
      const { ecrPort } = await import('../../sagemaker/ecr-port.ts');
      const pushed = await pushImages(ecrPort(settings.region, opts.endpointUrl ?? io.env.AWS_ENDPOINT_URL_ECR), await docker(), {
        images: names.length > 0 ? names : [...PROJECT_IMAGES],
        account: settings.account,
        region: settings.region,
        version: VERSION,
        progress: (l) => io.err(`${l}\n`),
      });
      for (const uri of pushed) io.out(`pushed ${uri}\n`);
    });
  images
    .command('list')
    .description("which of sagepipe's images are present locally: the ones runs use, tagged by the content of this checkout")
    .option('--json', 'print [{ image, tag, present }] as JSON')
    .action(async (opts: { json?: boolean }) => {
      const runtime = await docker();
      const tags = readContentTags(packageRoot(), VERSION);
      const rows: { image: string; tag: string; present: boolean }[] = [];
      for (const name of PROJECT_IMAGES) {
        const tag = tags ? contentTag(name, tags) : versionTag(name, VERSION);
        rows.push({ image: `sagepipe-${name}`, tag, present: await runtime.hasImage(tag) });
      }
      rows.push({ image: 'sagepipe-base', tag: PYTHON_BASE_IMAGE, present: await runtime.hasImage(PYTHON_BASE_IMAGE) });
      if (opts.json) {
        io.out(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.tag.length)) + 2;
      for (const r of rows) io.out(`${r.tag.padEnd(width)} ${r.present ? 'present' : 'missing (sagepipe images build, or built on first use)'}\n`);
    });
}

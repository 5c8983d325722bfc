/**
 * Builds sagepipe's images through dockerode, offline or online, from the Dockerfiles in containers/.
 * Every Dockerfile takes ARG BASE_IMAGE. sagepipe-node's default is node:20-bookworm-slim; where no registry can be
 * reached, a base is made from this machine's own Node.js: a FROM scratch image with the node binary, the libraries
 * `ldd` lists, CA certificates, a minimal passwd/group and /tmp. The Python images (sagepipe-sklearn,
 * sagepipe-xgboost) build on a Debian root file system made by mmdebstrap and imported (python-base.ts).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import type { DockerRuntime } from './docker-runtime.ts';
import { PROJECT_IMAGES, type ProjectImage } from '../images/catalogue.ts';
import { PYTHON_BASE_IMAGE, buildPythonRootfs } from '../images/python-base.ts';
import { type ContentTags, DEFAULT_BASE_IMAGE, LOCAL_BASE_IMAGE, contentTag, contextSources, readContentTags, versionTag } from '../images/build-context.ts';

export { DEFAULT_BASE_IMAGE, LOCAL_BASE_IMAGE };

export interface BuildOptions {
  readonly version: string;
  /** The folder holding containers/, dist/ and node_modules/ (sagepipe's package root). */
  readonly root: string;
  /** @default DEFAULT_BASE_IMAGE when present locally, else LOCAL_BASE_IMAGE (built first) */
  readonly baseImage?: string;
  readonly progress: (line: string) => void;
  /** The content hashes to tag with. @default read from `root` (dist/images/tags.json) */
  readonly contentTags?: ContentTags;
  /**
   * Tag `sagepipe-<image>:<version>` too (`sagepipe images build` does, for users' own `docker run`). A build on first
   * use does not: that shared tag would again name whichever checkout built last. @default false
   */
  readonly tagVersion?: boolean;
}

export class ImageBuilder {
  constructor(private readonly runtime: DockerRuntime) {}

  private async buildContext(contextDir: string, files: string[], tag: string, dockerfile: string, buildargs: Record<string, string>, progress: (l: string) => void): Promise<void> {
    const tar = await import('tar');
    const pack = tar.c({ cwd: contextDir, portable: true }, files);
    await this.runtime.buildImage(pack as unknown as NodeJS.ReadableStream, { tag, dockerfile, buildargs }, progress);
  }

  /** Builds the FROM scratch base from the host's Node.js (about 2 s). */
  async buildLocalBase(progress: (line: string) => void): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'sagepipe-base-'));
    try {
      const rootfs = join(dir, 'rootfs');
      const node = realpathSync(process.execPath);
      const put = (source: string, target = source) => {
        const dest = join(rootfs, target);
        mkdirSync(dirname(dest), { recursive: true });
        copyFileSync(source, dest);
      };
      put(node, '/usr/local/bin/node');
      const ldd = execFileSync('ldd', [node], { encoding: 'utf8' });
      for (const line of ldd.split('\n')) {
        const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
        if (m?.[1] && existsSync(m[1])) {
          put(m[1]);
          const real = realpathSync(m[1]);
          if (real !== m[1]) put(real);
        }
      }
      for (const cert of ['/etc/ssl/certs/ca-certificates.crt']) if (existsSync(cert)) put(cert);
      mkdirSync(join(rootfs, 'etc'), { recursive: true });
      writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n');
      writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
      mkdirSync(join(rootfs, 'tmp'), { recursive: true });
      chmodSync(join(rootfs, 'tmp'), 0o1777);
      writeFileSync(
        join(dir, 'Dockerfile'),
        'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp\nCMD ["node"]\n',
      );
      progress(`building ${LOCAL_BASE_IMAGE} from this machine's Node.js ${process.version}`);
      await this.buildContext(dir, ['Dockerfile', 'rootfs'], LOCAL_BASE_IMAGE, 'Dockerfile', {}, progress);
      return LOCAL_BASE_IMAGE;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async baseImage(options: BuildOptions): Promise<string> {
    if (options.baseImage) {
      if (!(await this.runtime.hasImage(options.baseImage))) {
        throw new SagepipeError(ErrorCode.ImageUnavailable, `base image ${options.baseImage} is not available locally (sagepipe never pulls): pull it, or leave --base out to build one from this machine's Node.js`);
      }
      return options.baseImage;
    }
    if (await this.runtime.hasImage(DEFAULT_BASE_IMAGE)) return DEFAULT_BASE_IMAGE;
    if (await this.runtime.hasImage(LOCAL_BASE_IMAGE)) return LOCAL_BASE_IMAGE;
    return this.buildLocalBase(options.progress);
  }

  private pythonBaseBuild: Promise<string> | undefined;

  /** The Python images' base: imported from an mmdebstrap root file system once, then reused. */
  async pythonBase(progress: (line: string) => void): Promise<string> {
    if (await this.runtime.hasImage(PYTHON_BASE_IMAGE)) return PYTHON_BASE_IMAGE;
    // Both Python images may be wanted at once: one build of the base.
    this.pythonBaseBuild ??= this.buildPythonBase(progress).finally(() => {
      this.pythonBaseBuild = undefined;
    });
    return this.pythonBaseBuild;
  }

  private async buildPythonBase(progress: (line: string) => void): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'sagepipe-rootfs-'));
    try {
      const tarball = join(dir, 'rootfs.tar');
      const started = Date.now();
      await buildPythonRootfs(tarball, progress);
      progress(`importing the root file system as ${PYTHON_BASE_IMAGE} (built in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
      const [repo, tag] = PYTHON_BASE_IMAGE.split(':') as [string, string];
      await this.runtime.importImage(tarball, { repo, tag }, progress);
      return PYTHON_BASE_IMAGE;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Builds one of sagepipe's images as its content tag (`sagepipe-<image>:<version>-<hash12>`, what runs use), and
   * with `tagVersion` as `sagepipe-<image>:<version>` too. Resolves to the content tag.
   */
  async build(image: ProjectImage, options: BuildOptions): Promise<string> {
    const base = image === 'node' ? await this.baseImage(options) : await this.pythonBase(options.progress);
    const tags = options.contentTags ?? readContentTags(options.root, options.version);
    const plain = versionTag(image, options.version);
    const tag = tags ? contentTag(image, tags) : plain;
    const context = assembleContext(options.root, image);
    try {
      options.progress(`building ${tag} on ${base}`);
      await this.buildContext(context.dir, context.files, tag, `containers/${image}/Dockerfile`, { BASE_IMAGE: base }, options.progress);
    } finally {
      rmSync(context.dir, { recursive: true, force: true });
    }
    if (tag !== plain && options.tagVersion) await this.runtime.tag(tag, `sagepipe-${image}`, options.version);
    return tag;
  }

  async buildAll(options: BuildOptions): Promise<string[]> {
    const tags: string[] = [];
    for (const image of PROJECT_IMAGES) tags.push(await this.build(image, options));
    return tags;
  }
}

/**
 * The build context of a project image, assembled in a temporary folder with the layout its Dockerfile copies from
 * (build-context.ts lists the files; the content tag hashes the same list).
 */
export function assembleContext(root: string, image: ProjectImage): { dir: string; files: string[] } {
  const sources = contextSources(root, image);
  const dir = mkdtempSync(join(tmpdir(), `sagepipe-context-${image}-`));
  for (const [from, to] of sources) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    cpSync(from, join(dir, to), { recursive: true });
  }
  return { dir, files: sources.map(([, to]) => to) };
}

/**
 * Builds sagepipe's images through dockerode, offline or online, from the Dockerfiles in containers/.
 * Every Dockerfile takes ARG BASE_IMAGE. sagepipe-node's default is node:20-bookworm-slim; where no registry can be
 * reached, a base is made from this machine's own Node.js: a FROM scratch image with the node binary, the libraries
 * `ldd` lists, CA certificates, a minimal passwd/group and /tmp. The Python images (sagepipe-sklearn,
 * sagepipe-xgboost) build on a Debian root file system made by mmdebstrap and imported (python-base.ts).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tar from 'tar';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import type { DockerRuntime } from './docker-runtime.ts';
import { PROJECT_IMAGES, type ProjectImage } from '../images/catalogue.ts';
import { PYTHON_BASE_IMAGE, buildPythonRootfs } from '../images/python-base.ts';

export const DEFAULT_BASE_IMAGE = 'node:20-bookworm-slim';
export const LOCAL_BASE_IMAGE = 'sagepipe-base:node20-local';

export interface BuildOptions {
  readonly version: string;
  /** The folder holding containers/, dist/ and node_modules/ (sagepipe's package root). */
  readonly root: string;
  /** @default DEFAULT_BASE_IMAGE when present locally, else LOCAL_BASE_IMAGE (built first) */
  readonly baseImage?: string;
  readonly progress: (line: string) => void;
}

export class ImageBuilder {
  constructor(private readonly runtime: DockerRuntime) {}

  private async buildContext(contextDir: string, files: string[], tag: string, dockerfile: string, buildargs: Record<string, string>, progress: (l: string) => void): Promise<void> {
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

  /** Builds one of sagepipe's images, tagged with the project version. */
  async build(image: ProjectImage, options: BuildOptions): Promise<string> {
    const base = image === 'node' ? await this.baseImage(options) : await this.pythonBase(options.progress);
    const tag = `sagepipe-${image}:${options.version}`;
    const context = assembleContext(options.root, image);
    try {
      options.progress(`building ${tag} on ${base}`);
      await this.buildContext(context.dir, context.files, tag, `containers/${image}/Dockerfile`, { BASE_IMAGE: base }, options.progress);
    } finally {
      rmSync(context.dir, { recursive: true, force: true });
    }
    return tag;
  }

  async buildAll(options: BuildOptions): Promise<string[]> {
    const tags: string[] = [];
    for (const image of PROJECT_IMAGES) tags.push(await this.build(image, options));
    return tags;
  }
}

/**
 * The build context of a project image, assembled in a temporary folder with the layout its Dockerfile copies from:
 * `containers/<image>/Dockerfile`, `dist/images/…`, `node_modules/ml-xgboost/…`, `node_modules/koffi/…` — wherever npm put ml-xgboost and koffi (it is
 * hoisted out of sagepipe's own folder when sagepipe is installed as a dependency).
 */
export function assembleContext(root: string, image: ProjectImage): { dir: string; files: string[] } {
  const require = createRequire(join(root, 'package.json'));
  let xgboost: string;
  try {
    xgboost = dirname(require.resolve('ml-xgboost/package.json'));
  } catch {
    throw new SagepipeError(ErrorCode.ImageUnavailable, `cannot build sagepipe-${image}: ml-xgboost is not installed (run npm ci)`);
  }
  let koffi: string;
  try {
    koffi = dirname(require.resolve('koffi'));
  } catch {
    throw new SagepipeError(ErrorCode.ImageUnavailable, `cannot build sagepipe-${image}: koffi is not installed (run npm ci)`);
  }
  // koffi's binary ships in a per-platform package beside it (koffi finds it by that relative path).
  const koffiBinary = `@koromix/koffi-${process.platform}-${process.arch}`;
  const sources: [string, string][] = [[join(root, `containers/${image}/Dockerfile`), `containers/${image}/Dockerfile`]];
  if (image !== 'sklearn') {
    sources.push(
      [join(xgboost, 'package.json'), 'node_modules/ml-xgboost/package.json'],
      [join(xgboost, 'dist/wasm'), 'node_modules/ml-xgboost/dist/wasm'],
      [koffi, 'node_modules/koffi'],
      [join(dirname(koffi), koffiBinary), `node_modules/${koffiBinary}`],
    );
  }
  // The node image's base has no libxgboost (the Python images' Debian base has libxgboost0): the build machine's.
  if (image === 'node') sources.push([join(root, 'dist/images/native'), 'dist/images/native']);
  if (image === 'xgboost') sources.push([join(root, 'dist/images/xgboost/main.mjs'), 'dist/images/xgboost/main.mjs']);
  // The Python images' entry programs (framework-mode training, inference scripts); not the process runtime's shim.
  if (image !== 'node') sources.push([join(root, 'containers/python'), 'containers/python']);
  for (const [from] of sources) {
    if (!existsSync(from)) throw new SagepipeError(ErrorCode.ImageUnavailable, `cannot build sagepipe-${image}: ${from} is missing (run npm ci && npm run build)`);
  }
  const dir = mkdtempSync(join(tmpdir(), `sagepipe-context-${image}-`));
  for (const [from, to] of sources) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    cpSync(from, join(dir, to), { recursive: true });
  }
  return { dir, files: sources.map(([, to]) => to) };
}

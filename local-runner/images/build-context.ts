/**
 * What goes into each of sagepipe's images, and the content tag that names it. Several checkouts may share one Docker
 * daemon: a tag by package version alone (`sagepipe-node:0.1.0`) would be rebuilt by each from different files, and a
 * job could run another tree's image. So each image is built as `sagepipe-<image>:<version>-<hash12>`, the hash of
 * its build context (every file the Dockerfile copies, with its path and executable bit) and of its base's identity.
 * `npm run build` writes the hashes to dist/images/tags.json; definitions keep naming `sagepipe-<image>:<version>`.
 *
 * No Docker, no tar here: scripts/build.mjs bundles this file on its own.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import { PROJECT_IMAGES, type ProjectImage } from './catalogue.ts';
import { PYTHON_BASE_IMAGE, PYTHON_BASE_PACKAGES, PYTHON_EXCLUDED_PATHS } from './python-base.ts';

/** sagepipe-node's default base; used when present locally (nothing is pulled). */
export const DEFAULT_BASE_IMAGE = 'node:20-bookworm-slim';
/** sagepipe-node's base otherwise: built FROM scratch from this machine's Node.js. */
export const LOCAL_BASE_IMAGE = 'sagepipe-base:node20-local';

/** Where `npm run build` writes the content hashes, relative to the package root. */
export const CONTENT_TAGS_FILE = 'dist/images/tags.json';

/** The 12-hex-digit content hash of each image, for one sagepipe version. */
export interface ContentTags {
  readonly version: string;
  readonly hashes: Readonly<Record<ProjectImage, string>>;
}

/**
 * The files of an image's build context: [source on this machine, path in the context], in the layout its Dockerfile
 * copies from — wherever npm put ml-xgboost and koffi (hoisted out of sagepipe's folder when it is a dependency).
 */
export function contextSources(root: string, image: ProjectImage): [string, string][] {
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
  return sources;
}

/**
 * What the image is built on, as a recipe rather than a Docker image id: the tag must be known without a daemon (at
 * build time, in CI before Docker starts). Both bases copy this machine's Node.js, so its version is part of it.
 */
export function baseIdentity(image: ProjectImage): string {
  const node = `node ${process.version} ${process.platform}-${process.arch}`;
  if (image === 'node') return `${DEFAULT_BASE_IMAGE} if present, else ${LOCAL_BASE_IMAGE} from ${node}`;
  return `${PYTHON_BASE_IMAGE}: debian bookworm ${PYTHON_BASE_PACKAGES.join(',')} without ${PYTHON_EXCLUDED_PATHS.join(',')}; ${node}`;
}

/** Every file below `from` (or `from` itself), as [path in the context, absolute path], sorted by context path. */
function files(from: string, to: string): [string, string][] {
  if (!statSync(from).isDirectory()) return [[to, from]];
  const out: [string, string][] = [];
  for (const name of readdirSync(from).sort()) out.push(...files(join(from, name), `${to}/${name}`));
  return out;
}

/** The content hash of an image's build context and base: 12 hex digits of a SHA-256. */
export function contextHash(sources: readonly (readonly [string, string])[], base: string): string {
  const hash = createHash('sha256');
  hash.update(`base\0${base}\0`);
  const all = sources.flatMap(([from, to]) => files(from, to)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [to, from] of all) {
    // Docker keeps the mode bits of what it copies; a script made executable is another image.
    const executable = (statSync(from).mode & 0o111) !== 0;
    hash.update(`${to}\0${executable ? 'x' : '-'}\0`);
    hash.update(readFileSync(from));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** The content hashes of all of sagepipe's images, from the package at `root`. */
export function computeContentTags(root: string, version: string): ContentTags {
  const hashes = Object.fromEntries(PROJECT_IMAGES.map((image) => [image, contextHash(contextSources(root, image), baseIdentity(image))]));
  return { version, hashes: hashes as Record<ProjectImage, string> };
}

/** Writes dist/images/tags.json (`npm run build` does, after it has built what the images copy). */
export function writeContentTags(root: string, version: string): ContentTags {
  const tags = computeContentTags(root, version);
  writeFileSync(join(root, CONTENT_TAGS_FILE), `${JSON.stringify(tags, null, 2)}\n`);
  return tags;
}

/**
 * The content hashes `npm run build` wrote for `version`; computed from the files when the file is missing or was
 * written for another version (a source checkout not built since). Undefined when neither works (dist/ not built):
 * the images are then named by version alone, and building one says what is missing.
 */
export function readContentTags(root: string, version: string): ContentTags | undefined {
  const file = join(root, CONTENT_TAGS_FILE);
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as ContentTags;
      if (parsed.version === version && PROJECT_IMAGES.every((i) => /^[0-9a-f]{12}$/.test(parsed.hashes?.[i] ?? ''))) return parsed;
    } catch {
      // Unreadable: computed below.
    }
  }
  try {
    return computeContentTags(root, version);
  } catch {
    return undefined;
  }
}

/** The local tag an image is built and run as: `sagepipe-<image>:<version>-<hash12>`. */
export function contentTag(image: ProjectImage, tags: ContentTags): string {
  return `sagepipe-${image}:${tags.version}-${tags.hashes[image]}`;
}

/** The tag users and definitions name: `sagepipe-<image>:<version>`. */
export function versionTag(image: ProjectImage, version: string): string {
  return `sagepipe-${image}:${version}`;
}

/** sagepipe's version: the tag of its step images and the version the CLI reports. */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

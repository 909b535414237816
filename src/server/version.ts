import packageJson from '../../package.json' with { type: 'json' };

/** The version of this build, as `package.json` states it (health, OpenAPI, `daa --version`). */
export const VERSION: string = packageJson.version;

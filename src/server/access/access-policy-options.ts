import type { Config } from '../config.ts';
import type { RequestAccessOptions } from './request-access.ts';

/** The access policy's inputs from the configuration, the same for HTTP and the socket gateway. */
export function accessPolicyOptions(config: Config): RequestAccessOptions {
  return { boundHost: config.HOST, allowedHosts: config.allowedHosts, allowedOrigins: config.corsOrigins };
}

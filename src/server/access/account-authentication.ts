import type { AccountService, Authenticated } from '../accounts/account-service.ts';
import { accountCookieToken } from './account-cookie.ts';
import type { PresentedCredentials } from './session-cookie.ts';

/**
 * Who presents these credentials with accounts on, the same for REST and the socket handshake: an
 * explicit token (Bearer, `auth.token`: a session token or an API key) wins; else the web app's
 * cookie, under the CSRF rules. Undefined for none, unknown, expired, revoked or disabled.
 */
export function createAccountAuthenticator(accounts: Pick<AccountService, 'authenticate'>) {
  return async function authenticate(credentials: PresentedCredentials): Promise<Authenticated | undefined> {
    const token = credentials.token !== undefined ? credentials.token : accountCookieToken(credentials);
    if (token === undefined) return undefined;
    return accounts.authenticate(token);
  };
}

export type AccountAuthenticator = ReturnType<typeof createAccountAuthenticator>;

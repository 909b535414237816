import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiKeyCreateBody,
  ApiKeyCreatedResponse,
  ApiKeyResponse,
  AuthModeResponse,
  LoginBody,
  LoginResponse,
  MeUpdateBody,
  SetupBody,
  UserResponse,
} from '../../../protocol/accounts.ts';
import { IdParam } from '../../../protocol/ids.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import type { AbuseLimits } from '../../access/abuse-limits.ts';
import { clearAccountCookie, issueAccountCookie } from '../../access/account-cookie.ts';
import type { AccountService } from '../../accounts/account-service.ts';
import type { Config } from '../../config.ts';
import { ConflictError, ForbiddenError, UnauthorizedError } from '../../errors.ts';
import { isLoopback } from '../../limits/client-limits.ts';
import type { UserRecord } from '../../store/account-store.ts';
import { requestActor } from '../request-actor.ts';

/** The routes that answer without a signed-in user (they are how one signs in). */
export const PUBLIC_AUTH_ROUTES: ReadonlySet<string> = new Set(['/api/auth/login', '/api/auth/mode', '/api/auth/setup']);

export interface AuthRoutesOptions {
  config: Config;
  accounts: AccountService;
  limits: AbuseLimits;
}

const tags = ['auth'];

export function presentUser(user: UserRecord): z.infer<typeof UserResponse> {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** Sign-in, the signed-in user, sign-out, first-run setup and API keys. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { config, accounts, limits }) => {
  const accountsOn = config.AUTH_MODE === 'accounts';

  app.get('/api/auth/mode', {
    schema: { tags, response: { 200: AuthModeResponse } },
    handler: async () => ({ auth_mode: config.AUTH_MODE, setup_required: accountsOn && !(await accounts.hasUsers()) }),
  });

  app.post('/api/auth/login', {
    schema: { tags, body: LoginBody, response: { 200: LoginResponse, 401: ErrorResponse, 429: ErrorResponse } },
    handler: async (request, reply) => {
      if (!accountsOn) throw new ConflictError('Accounts are off (AUTH_MODE=none); there is nothing to sign in to');
      const { email, password } = request.body;
      await limits.checkLogin(email, request.ip);
      let signedIn;
      try {
        signedIn = await accounts.login(email, password);
      } catch (error) {
        if (error instanceof UnauthorizedError) await limits.recordLoginFailure(email, request.ip);
        throw error;
      }
      await limits.recordLoginSuccess(email);
      const maxAgeSeconds = (Date.parse(signedIn.expiresAt) - Date.now()) / 1000;
      reply.header('set-cookie', issueAccountCookie(signedIn.token, { maxAgeSeconds, secure: request.protocol === 'https' }));
      return {
        access_token: signedIn.token,
        token_type: 'bearer' as const,
        expires_at: signedIn.expiresAt,
        user: presentUser(signedIn.user),
      };
    },
  });

  app.post('/api/auth/setup', {
    schema: { tags, body: SetupBody, response: { 201: UserResponse, 403: ErrorResponse, 409: ErrorResponse } },
    handler: async (request, reply) => {
      if (!accountsOn) throw new ConflictError('Accounts are off (AUTH_MODE=none)');
      if (!isLoopback(request.socket.remoteAddress ?? '')) {
        throw new ForbiddenError('The first administrator can only be created from this machine (or with ADMIN_EMAIL / ADMIN_PASSWORD)');
      }
      const admin = await accounts.bootstrapAdmin(request.body);
      if (!admin) throw new ConflictError('An administrator already exists; sign in instead');
      return reply.code(201).send(presentUser(admin));
    },
  });

  app.get('/api/auth/me', {
    schema: { tags, response: { 200: UserResponse } },
    handler: async (request) => presentUser(await accounts.me(requestActor(request))),
  });

  app.patch('/api/auth/me', {
    schema: { tags, body: MeUpdateBody, response: { 200: UserResponse, 400: ErrorResponse } },
    handler: async (request) => {
      const { name, password, current_password: currentPassword } = request.body;
      return presentUser(await accounts.updateMe(requestActor(request), { name, password, currentPassword }));
    },
  });

  app.post('/api/auth/logout', {
    schema: { tags, response: { 204: z.null() } },
    handler: async (request, reply) => {
      await accounts.logout(requestActor(request));
      reply.header('set-cookie', clearAccountCookie({ secure: request.protocol === 'https' }));
      return reply.code(204).send(null);
    },
  });

  app.post('/api/auth/keys', {
    schema: { tags, body: ApiKeyCreateBody, response: { 201: ApiKeyCreatedResponse } },
    handler: async (request, reply) => {
      const { credential, key } = await accounts.createApiKey(requestActor(request), request.body.name);
      return reply.code(201).send({ id: credential.id, name: credential.name ?? '', key });
    },
  });

  app.get('/api/auth/keys', {
    schema: { tags, response: { 200: z.array(ApiKeyResponse) } },
    handler: async (request) =>
      (await accounts.listApiKeys(requestActor(request))).map((key) => ({
        id: key.id,
        name: key.name ?? '',
        created_at: key.createdAt,
        last_used_at: key.lastUsedAt,
      })),
  });

  app.delete('/api/auth/keys/:key_id', {
    schema: { tags, params: z.object({ key_id: IdParam }), response: { 204: z.null(), 404: ErrorResponse } },
    handler: async (request, reply) => {
      await accounts.deleteApiKey(requestActor(request), request.params.key_id);
      return reply.code(204).send(null);
    },
  });
};

import { z } from 'zod';

/** Accounts on the wire (AUTH_MODE=accounts): sign-in, users, API keys, project members. */

const Email = z.string().trim().email('must be an email address').max(254);
const Password = z.string().min(8, 'must be at least 8 characters').max(1024);
const Name = z.string().trim().max(200);

export const UserRole = z.enum(['admin', 'user']);
export const ProjectRole = z.enum(['owner', 'editor', 'viewer']);

export const LoginBody = z.strictObject({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(1024) });

export const UserResponse = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  role: UserRole,
});
export type UserResponse = z.infer<typeof UserResponse>;

export const AdminUserResponse = UserResponse.extend({ disabled: z.boolean(), created_at: z.string() });

export const LoginResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_at: z.string(),
  user: UserResponse,
});

/** `GET /api/auth/mode`: what the web app should show before anyone signs in. */
export const AuthModeResponse = z.object({
  auth_mode: z.enum(['none', 'accounts']),
  /** Accounts on and no user yet: the first-run page creates the admin (from a loopback client). */
  setup_required: z.boolean(),
});

export const SetupBody = z.strictObject({ email: Email, password: Password, name: Name.optional() });

export const MeUpdateBody = z
  .strictObject({ name: Name.nullable().optional(), password: Password.optional(), current_password: z.string().max(1024).optional() })
  .refine((body) => body.password === undefined || body.current_password !== undefined, {
    message: 'current_password is needed to set a new password',
    path: ['current_password'],
  });

export const UserCreateBody = z.strictObject({ email: Email, password: Password, name: Name.nullable().optional(), role: UserRole });
export const UserUpdateBody = z.strictObject({
  name: Name.nullable().optional(),
  role: UserRole.optional(),
  disabled: z.boolean().optional(),
  password: Password.optional(),
});

export const ApiKeyCreateBody = z.strictObject({ name: z.string().trim().min(1).max(100) });
export const ApiKeyResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
export const ApiKeyCreatedResponse = z.object({ id: z.number().int(), name: z.string(), key: z.string() });

export const MemberResponse = z.object({
  user_id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  role: ProjectRole,
});
export const MemberPutBody = z.strictObject({ role: ProjectRole });
export const MemberAddBody = z.strictObject({ email: Email, role: ProjectRole });

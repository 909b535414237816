import { type FormEvent, useState } from 'react';
import { useCurrentUser } from '../api/accounts.ts';
import { type AdminUser, useCreateUser, useDeleteUser, useUpdateUser, useUsers } from '../api/users.ts';
import { EmptyState, ErrorNotice, Loading } from '../components/feedback.tsx';
import { ConfirmDialog } from '../components/modal.tsx';
import { useToast } from '../components/toasts.tsx';
import { errorMessage } from '../lib/api.ts';
import { useIsAdmin } from '../lib/permissions.ts';

/** Users (accounts on, admins only): list, create, disable or enable, change the role, delete. */
export function UsersPage() {
  const isAdmin = useIsAdmin();
  if (!isAdmin) {
    return (
      <div className="page narrow">
        <EmptyState title="Only an administrator manages users">Ask an administrator to add people or change their roles.</EmptyState>
      </div>
    );
  }
  return <UserAdministration />;
}

function UserAdministration() {
  const users = useUsers();
  const me = useCurrentUser(true);
  const update = useUpdateUser();
  const toast = useToast();
  const [deleting, setDeleting] = useState<AdminUser | null>(null);
  const change = (user: AdminUser, body: { role?: 'admin' | 'user'; disabled?: boolean }, done: string) =>
    update.mutate(
      { userId: user.id, body },
      {
        onSuccess: () => toast.show(done, 'success'),
        onError: (error) => toast.show(`Could not change ${user.email}: ${errorMessage(error)}`, 'error'),
      },
    );

  return (
    <div className="page narrow">
      <h1>Users</h1>
      <p className="muted">
        Everyone who may sign in. Administrators manage users, global settings and models and see every project; everyone else sees the
        projects they are a member of.
      </p>
      <CreateUserForm />
      <section className="card panel people-card" aria-labelledby="users-heading">
        <h2 id="users-heading">People</h2>
        {users.isPending ? (
          <Loading label="Loading users…" />
        ) : users.isError ? (
          <ErrorNotice title="Users could not be loaded" error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <table className="people-table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => {
                const self = user.id === me.data?.id;
                return (
                  <tr key={user.id}>
                    <td>
                      {user.name ? <strong>{user.name}</strong> : null}
                      <span className={user.name ? 'muted small people-email' : undefined}>{user.email}</span>
                      {self ? <span className="badge">you</span> : null}
                    </td>
                    <td>
                      <select
                        aria-label={`Role of ${user.email}`}
                        value={user.role}
                        disabled={self || update.isPending}
                        onChange={(event) => {
                          const role = event.target.value as 'admin' | 'user';
                          change(user, { role }, `${user.email} is now ${role === 'admin' ? 'an administrator' : 'a user'}.`);
                        }}
                      >
                        <option value="user">User</option>
                        <option value="admin">Administrator</option>
                      </select>
                    </td>
                    <td>
                      <span className={`badge${user.disabled ? ' badge-failed' : ' badge-doc-completed'}`}>
                        {user.disabled ? 'disabled' : 'active'}
                      </span>
                    </td>
                    <td className="people-actions">
                      {self ? null : (
                        <>
                          <button
                            type="button"
                            className="button"
                            disabled={update.isPending}
                            onClick={() =>
                              change(
                                user,
                                { disabled: !user.disabled },
                                user.disabled ? `${user.email} may sign in again.` : `${user.email} is signed out and may not sign in.`,
                              )
                            }
                          >
                            {user.disabled ? 'Enable' : 'Disable'}
                          </button>
                          <button type="button" className="button" aria-label={`Delete ${user.email}`} onClick={() => setDeleting(user)}>
                            Delete
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      {deleting ? <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

function CreateUserForm() {
  const create = useCreateUser();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'admin' | 'user'>('user');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { email: email.trim(), password, name: name.trim() || null, role },
      {
        onSuccess: (user) => {
          toast.show(`${user.email} may sign in now. Add them to projects from each project's Members.`, 'success');
          setEmail('');
          setName('');
          setPassword('');
          setRole('user');
        },
      },
    );
  };
  return (
    <form className="card panel form people-card" onSubmit={submit} aria-labelledby="new-user-heading">
      <h2 id="new-user-heading">Add a user</h2>
      <div className="field">
        <label htmlFor="new-user-email">Email</label>
        <input
          id="new-user-email"
          type="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          autoComplete="off"
          required
        />
      </div>
      <div className="field">
        <label htmlFor="new-user-name">Name (optional)</label>
        <input id="new-user-name" value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor="new-user-password">Password</label>
        <input
          id="new-user-password"
          type="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          autoComplete="new-password"
          minLength={8}
          required
          aria-describedby="new-user-password-help"
        />
        <p id="new-user-password-help" className="field-help">
          At least 8 characters. Tell it to them; they can change it under Settings → My account.
        </p>
      </div>
      <div className="field">
        <label htmlFor="new-user-role">Role</label>
        <select id="new-user-role" value={role} onChange={(event) => setRole(event.target.value as 'admin' | 'user')}>
          <option value="user">User</option>
          <option value="admin">Administrator</option>
        </select>
      </div>
      {create.error ? (
        <p className="form-error" role="alert">
          {errorMessage(create.error)}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={create.isPending || !email.trim() || password.length < 8}>
          {create.isPending ? 'Adding…' : 'Add user'}
        </button>
      </div>
    </form>
  );
}

function DeleteUserDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const remove = useDeleteUser();
  const toast = useToast();
  return (
    <ConfirmDialog
      title={`Delete ${user.email}?`}
      confirmLabel="Delete user"
      busy={remove.isPending}
      error={remove.error ? errorMessage(remove.error) : null}
      onCancel={onClose}
      onConfirm={() =>
        remove.mutate(user.id, {
          onSuccess: () => {
            toast.show(`${user.email} was deleted.`, 'success');
            onClose();
          },
        })
      }
    >
      They are signed out at once and lose every project membership; their chats stay, visible to administrators only. To keep their access
      for later, disable the user instead.
    </ConfirmDialog>
  );
}

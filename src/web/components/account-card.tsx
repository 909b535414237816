import { type FormEvent, useState } from 'react';
import { useApiKeys, useCreateApiKey, useCurrentUser, useDeleteApiKey, useLogout, useUpdateMe } from '../api/accounts.ts';
import { errorMessage } from '../lib/api.ts';

/** "My account" (accounts on): name, password, API keys, sign out. */
export function AccountCard() {
  const me = useCurrentUser(true);
  const update = useUpdateMe();
  const logout = useLogout();
  const apiKeys = useApiKeys();
  const createKey = useCreateApiKey();
  const deleteKey = useDeleteApiKey();
  const [name, setName] = useState<string | undefined>(undefined);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [keyName, setKeyName] = useState('');
  if (!me.data) return null;

  const saveName = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ name: (name ?? me.data.name ?? '').trim() || null });
  };
  const savePassword = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { password: newPassword, current_password: currentPassword },
      { onSuccess: () => (setNewPassword(''), setCurrentPassword('')) },
    );
  };
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">My account</h2>
      <p className="muted">
        Signed in as {me.data.email}
        {me.data.role === 'admin' ? ' (administrator)' : ''}.
      </p>
      <form onSubmit={saveName}>
        <label className="field">
          Name
          <input value={name ?? me.data.name ?? ''} onChange={(event) => setName(event.target.value)} />
        </label>
        <div className="form-actions">
          <button type="submit" className="button">
            Save name
          </button>
        </div>
      </form>
      <form onSubmit={savePassword}>
        <label className="field">
          Current password
          <input
            type="password"
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <label className="field">
          New password
          <input
            type="password"
            value={newPassword}
            onChange={(event) => setNewPassword(event.target.value)}
            autoComplete="new-password"
            minLength={8}
            required
          />
        </label>
        <div className="form-actions">
          <button type="submit" className="button">
            Change password
          </button>
        </div>
      </form>
      {update.error ? (
        <p className="form-error" role="alert">
          {errorMessage(update.error)}
        </p>
      ) : null}
      <h3>API keys</h3>
      <ul>
        {(apiKeys.data ?? []).map((key) => (
          <li key={key.id}>
            {key.name}{' '}
            <button type="button" className="button" onClick={() => deleteKey.mutate(key.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {createKey.data ? (
        <p role="status">
          New key (shown once): <code>{createKey.data.key}</code>
        </p>
      ) : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (keyName.trim()) createKey.mutate(keyName.trim(), { onSuccess: () => setKeyName('') });
        }}
      >
        <label className="field">
          Key name
          <input value={keyName} onChange={(event) => setKeyName(event.target.value)} />
        </label>
        <div className="form-actions">
          <button type="submit" className="button">
            Create API key
          </button>
        </div>
      </form>
      <div className="form-actions">
        <button type="button" className="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
          Sign out
        </button>
      </div>
    </section>
  );
}

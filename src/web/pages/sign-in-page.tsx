import { type FormEvent, useState } from 'react';
import { useFirstAdmin, useLogin } from '../api/accounts.ts';
import { errorMessage } from '../lib/api.ts';

/** Sign-in with accounts on; or, while no user exists, the first-run form that creates the admin. */
export function SignInPage({ firstRun }: { firstRun: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const login = useLogin();
  const setup = useFirstAdmin();
  const action = firstRun ? setup : login;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (firstRun) setup.mutate({ email, password, ...(name.trim() ? { name: name.trim() } : {}) });
    else login.mutate({ email, password });
  };
  return (
    <div className="page">
      <section className="card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{firstRun ? 'Create the administrator' : 'Sign in'}</h1>
        {firstRun ? <p className="muted">No user exists yet. This works only from the machine the server runs on.</p> : null}
        <form onSubmit={submit}>
          {firstRun ? (
            <label className="field">
              Name
              <input value={name} onChange={(event) => setName(event.target.value)} autoComplete="name" />
            </label>
          ) : null}
          <label className="field">
            Email
            <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="username" required />
          </label>
          <label className="field">
            Password
            <input
              type="password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              autoComplete={firstRun ? 'new-password' : 'current-password'}
              minLength={firstRun ? 8 : undefined}
              required
            />
          </label>
          {action.error ? (
            <p className="form-error" role="alert">
              {errorMessage(action.error)}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={action.isPending}>
              {firstRun ? 'Create and sign in' : action.isPending ? 'Signing in…' : 'Sign in'}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}

import { useSessionState, useSignOut } from '../api/session.ts';
import { errorMessage } from '../lib/api.ts';

/** With an API token: this browser's session, and a way to end it (the cookie is removed). */
export function SessionCard() {
  const session = useSessionState();
  const signOut = useSignOut();
  if (!session.data?.token_required || !session.data.signed_in) return null;
  return (
    <section className="card" aria-labelledby="session-title">
      <h2 id="session-title">Access</h2>
      <p className="muted">
        This server requires its API token. This browser holds a session for it (a cookie no page script can read) and asks for the token
        again after a week or after you sign out.
      </p>
      {signOut.error ? (
        <p className="form-error" role="alert">
          {errorMessage(signOut.error)}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {signOut.isPending ? 'Signing out…' : 'Sign out of this browser'}
        </button>
      </div>
    </section>
  );
}

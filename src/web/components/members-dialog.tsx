import { type FormEvent, useState } from 'react';
import { type ProjectRole, useMembers, useRemoveMember, useSetMember } from '../api/users.ts';
import { errorMessage } from '../lib/api.ts';
import { Loading } from './feedback.tsx';
import { Modal } from './modal.tsx';

const ROLES: Array<{ value: ProjectRole; label: string; help: string }> = [
  { value: 'viewer', label: 'Viewer', help: 'reads documents and chats' },
  { value: 'editor', label: 'Editor', help: 'also uploads, deletes and reprocesses documents; project settings' },
  { value: 'owner', label: 'Owner', help: 'also renames or deletes the project and manages members' },
];

/** "Members" of a project (accounts on; owners and admins): add by email, change a role, remove. */
export function MembersDialog({ projectId, projectName, onClose }: { projectId: number; projectName: string; onClose: () => void }) {
  const members = useMembers(projectId);
  const setMember = useSetMember(projectId);
  const removeMember = useRemoveMember(projectId);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('viewer');
  const [problem, setProblem] = useState<string | null>(null);

  const failed = (error: unknown) => setProblem(errorMessage(error));
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim()) return;
    setProblem(null);
    setMember.mutate({ email: email.trim(), role }, { onSuccess: () => setEmail(''), onError: failed });
  };

  return (
    <Modal title={`Members of “${projectName}”`} onClose={onClose} wide>
      {members.isPending ? (
        <Loading label="Loading members…" />
      ) : members.isError ? (
        <p className="form-error" role="alert">
          The members could not be loaded: {errorMessage(members.error)}
        </p>
      ) : (
        <table className="people-table" aria-label="Members">
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => (
              <tr key={member.user_id}>
                <td>
                  {member.name ? <strong>{member.name}</strong> : null}
                  <span className={member.name ? 'muted small people-email' : undefined}>{member.email}</span>
                </td>
                <td>
                  <select
                    aria-label={`Role of ${member.email}`}
                    value={member.role}
                    disabled={setMember.isPending}
                    onChange={(event) => {
                      setProblem(null);
                      setMember.mutate({ userId: member.user_id, role: event.target.value as ProjectRole }, { onError: failed });
                    }}
                  >
                    {ROLES.map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="people-actions">
                  <button
                    type="button"
                    className="button"
                    aria-label={`Remove ${member.email}`}
                    disabled={removeMember.isPending}
                    onClick={() => {
                      setProblem(null);
                      removeMember.mutate(member.user_id, { onError: failed });
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="people-add" onSubmit={add} aria-label="Add a member">
        <div className="field">
          <label htmlFor="member-email">Email</label>
          <input
            id="member-email"
            type="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            placeholder="someone@example.com"
            autoComplete="off"
            required
            data-autofocus
          />
        </div>
        <div className="field">
          <label htmlFor="member-role">Role</label>
          <select id="member-role" value={role} onChange={(event) => setRole(event.target.value as ProjectRole)}>
            {ROLES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button primary" disabled={setMember.isPending || !email.trim()}>
          Add member
        </button>
      </form>
      <p className="field-help">{ROLES.find((option) => option.value === role)?.help}. Only people with an account can be added.</p>
      {problem ? (
        <p className="form-error" role="alert">
          {problem}
        </p>
      ) : null}
    </Modal>
  );
}

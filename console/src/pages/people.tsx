import { useState } from 'preact/hooks';
import { api } from '../api';
import { Badge, ErrorMessage, Field, fmtDate, formValues, Loaded, PageHeader, Table, Tabs, useApi, useChange } from '../ui';
import { RoleList } from './project';

type Tab = 'users' | 'invites' | 'groups' | 'roles';

export default function People() {
  const [tab, setTab] = useState<Tab>('users');
  return (
    <>
      <PageHeader title="People" />
      <Tabs<Tab>
        label="People sections"
        current={tab}
        onChange={setTab}
        tabs={[
          ['users', 'Users'],
          ['invites', 'Invites'],
          ['groups', 'Groups'],
          ['roles', 'Roles'],
        ]}
      />
      <div role="tabpanel" aria-labelledby={`tab-${tab}`} class="tabpanel">
        {tab === 'users' ? <Users /> : null}
        {tab === 'invites' ? <Invites /> : null}
        {tab === 'groups' ? <Groups /> : null}
        {tab === 'roles' ? <RoleList path="/organization/roles" scope="organization" /> : null}
      </div>
    </>
  );
}

interface User {
  id: string;
  name: string;
  email: string;
  role: 'owner' | 'reader';
  added_at: number;
}

function Users() {
  const q = useApi<{ data: User[] }>('/organization/users?limit=100');
  const change = useChange((b: { id: string; role: string }) => api.post(`/organization/users/${b.id}`, { role: b.role }));
  const remove = useChange((id: string) => api.delete(`/organization/users/${id}`));
  return (
    <>
      <ErrorMessage error={change.error ?? remove.error} />
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Users"
            rows={data.data}
            rowKey={(u) => u.id}
            columns={[
              { label: 'Name', cell: (u) => u.name },
              { label: 'Email', cell: (u) => u.email },
              {
                label: 'Role',
                cell: (u) => (
                  <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => change.mutate({ id: u.id, role: e.currentTarget.value })}>
                    <option value="owner">owner</option>
                    <option value="reader">reader</option>
                  </select>
                ),
              },
              { label: 'Added', cell: (u) => fmtDate(u.added_at) },
              { label: 'Actions', cell: (u) => <button type="button" class="link danger" aria-label={`Remove ${u.email}`} onClick={() => confirm(`Remove ${u.email} from the organization?`) && remove.mutate(u.id)}>Remove</button> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

function Invites() {
  const q = useApi<{ data: Array<{ id: string; email: string; role: string; status: string; invited_at: number; expires_at: number; accepted_at?: number | null }> }>('/organization/invites?limit=100');
  const send = useChange((b: { email: string; role: string }) => api.post('/organization/invites', b));
  const revoke = useChange((id: string) => api.delete(`/organization/invites/${id}`));
  return (
    <>
      <form class="inline-form" aria-label="Send an invite" onSubmit={(e) => send.mutate(formValues(e) as any)}>
        <Field label="Email" name="email" error={send.error}>
          {(p) => <input {...p} type="email" required />}
        </Field>
        <Field label="Role" name="role" error={send.error}>
          {(p) => (
            <select {...p}>
              <option value="reader">reader</option>
              <option value="owner">owner</option>
            </select>
          )}
        </Field>
        <button type="submit" disabled={send.isPending}>
          Send invite
        </button>
      </form>
      <ErrorMessage error={send.error ?? revoke.error} />
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Invites"
            rows={data.data}
            rowKey={(i) => i.id}
            empty="No invites. Invite someone by email above."
            columns={[
              { label: 'Email', cell: (i) => i.email },
              { label: 'Role', cell: (i) => i.role },
              { label: 'State', cell: (i) => <Badge tone={i.status === 'accepted' ? 'good' : i.status === 'expired' ? 'bad' : 'warn'}>{i.status}</Badge> },
              { label: 'Invited', cell: (i) => fmtDate(i.invited_at) },
              { label: 'Expires', cell: (i) => fmtDate(i.expires_at) },
              { label: 'Actions', cell: (i) => (i.status === 'pending' ? <button type="button" class="link danger" aria-label={`Revoke the invite of ${i.email}`} onClick={() => revoke.mutate(i.id)}>Revoke</button> : null) },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

function Groups() {
  const q = useApi<{ data: Array<{ id: string; name: string; created_at: number }> }>('/organization/groups?limit=100');
  const [open, setOpen] = useState<string | null>(null);
  const create = useChange((b: { name: string }) => api.post('/organization/groups', b));
  const remove = useChange((id: string) => api.delete(`/organization/groups/${id}`));
  return (
    <>
      <form class="inline-form" aria-label="Create a group" onSubmit={(e) => create.mutate({ name: formValues(e).name })}>
        <Field label="Group name" name="name" error={create.error}>
          {(p) => <input {...p} required />}
        </Field>
        <button type="submit" disabled={create.isPending}>
          Create group
        </button>
      </form>
      <ErrorMessage error={create.error ?? remove.error} />
      <Loaded q={q}>
        {(data) => (
          <>
            <Table
              caption="Groups"
              rows={data.data}
              rowKey={(g) => g.id}
              empty="No groups. A group gives several users the same roles at once."
              columns={[
                { label: 'Name', cell: (g) => g.name },
                { label: 'ID', cell: (g) => <code>{g.id}</code> },
                { label: 'Created', cell: (g) => fmtDate(g.created_at) },
                {
                  label: 'Actions',
                  cell: (g) => (
                    <>
                      <button type="button" class="link" aria-expanded={open === g.id} onClick={() => setOpen(open === g.id ? null : g.id)}>
                        Members
                      </button>{' '}
                      <button type="button" class="link danger" aria-label={`Delete group ${g.name}`} onClick={() => remove.mutate(g.id)}>
                        Delete
                      </button>
                    </>
                  ),
                },
              ]}
            />
            {open ? <GroupMembers groupId={open} name={data.data.find((g) => g.id === open)?.name ?? open} /> : null}
          </>
        )}
      </Loaded>
    </>
  );
}

function GroupMembers({ groupId, name }: { groupId: string; name: string }) {
  const path = `/organization/groups/${groupId}/users`;
  const q = useApi<{ data: User[] }>(`${path}?limit=100`);
  const users = useApi<{ data: User[] }>('/organization/users?limit=100');
  const add = useChange((b: { user_id: string }) => api.post(path, b));
  const remove = useChange((id: string) => api.delete(`${path}/${id}`));
  return (
    <section class="panel" aria-label={`Members of ${name}`}>
      <h2>Members of {name}</h2>
      <form class="inline-form" aria-label="Add a group member" onSubmit={(e) => add.mutate({ user_id: formValues(e).user_id })}>
        <Field label="User" name="user_id" error={add.error}>
          {(p) => (
            <select {...p}>
              {(users.data?.data ?? []).map((u) => (
                <option value={u.id}>{u.email}</option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">Add to group</button>
      </form>
      <ErrorMessage error={add.error ?? remove.error} />
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Group members"
            rows={data.data}
            rowKey={(u) => u.id}
            empty="This group has no members."
            columns={[
              { label: 'Name', cell: (u) => u.name },
              { label: 'Email', cell: (u) => u.email },
              { label: 'Actions', cell: (u) => <button type="button" class="link danger" onClick={() => remove.mutate(u.id)} aria-label={`Remove ${u.email} from ${name}`}>Remove</button> },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}

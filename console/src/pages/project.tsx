import { useState } from 'preact/hooks';
import { api } from '../api';
import { Badge, Code, Empty, ErrorMessage, Field, fmtDate, formValues, Loaded, PageHeader, SecretOnce, Table, Tabs, useApi, useChange } from '../ui';
import type { Project as ProjectObject } from './projects';

type Tab = 'members' | 'service_accounts' | 'api_keys' | 'rate_limits' | 'groups' | 'roles';

export default function Project({ id }: { id: string }) {
  const base = `/organization/projects/${id}`;
  const q = useApi<ProjectObject>(base);
  const [tab, setTab] = useState<Tab>('members');
  const rename = useChange((body: { name: string }) => api.post(base, body));
  const archive = useChange(() => api.post(`${base}/archive`, {}));
  return (
    <Loaded q={q}>
      {(project) => (
        <>
          <PageHeader title={project.name}>
            <Badge tone={project.status === 'active' ? 'good' : 'neutral'}>{project.status}</Badge>
            {project.status === 'active' ? (
              <button
                type="button"
                class="danger"
                onClick={() => {
                  if (confirm(`Archive ${project.name}? Its keys stop working and it cannot be unarchived.`)) archive.mutate(undefined);
                }}
              >
                Archive
              </button>
            ) : null}
          </PageHeader>
          <p class="muted">
            <a href="/console/projects">Projects</a> / <Code>{project.id}</Code> · created {fmtDate(project.created_at)}
            {project.archived_at ? ` · archived ${fmtDate(project.archived_at)}` : ''}
          </p>
          <ErrorMessage error={archive.error} />
          <form class="inline-form" aria-label="Rename the project" onSubmit={(e) => rename.mutate({ name: formValues(e).name })}>
            <Field label="Project name" name="name" error={rename.error}>
              {(p) => <input {...p} defaultValue={project.name} required />}
            </Field>
            <button type="submit" class="secondary" disabled={rename.isPending}>
              Rename
            </button>
          </form>
          <ErrorMessage error={rename.error} />
          <Tabs<Tab>
            label="Project sections"
            current={tab}
            onChange={setTab}
            tabs={[
              ['members', 'Members'],
              ['service_accounts', 'Service accounts'],
              ['api_keys', 'API keys'],
              ['rate_limits', 'Rate limits'],
              ['groups', 'Groups'],
              ['roles', 'Roles'],
            ]}
          />
          <div role="tabpanel" aria-labelledby={`tab-${tab}`} class="tabpanel">
            {tab === 'members' ? <Members base={base} /> : null}
            {tab === 'service_accounts' ? <ServiceAccounts base={base} /> : null}
            {tab === 'api_keys' ? <ApiKeys base={base} /> : null}
            {tab === 'rate_limits' ? <RateLimits base={base} /> : null}
            {tab === 'groups' ? <Groups base={base} /> : null}
            {tab === 'roles' ? <Roles projectId={project.id} /> : null}
          </div>
        </>
      )}
    </Loaded>
  );
}

interface ProjectUser {
  id: string;
  name: string;
  email: string;
  role: 'owner' | 'member';
  added_at: number;
}

function Members({ base }: { base: string }) {
  const q = useApi<{ data: ProjectUser[] }>(`${base}/users?limit=100`);
  const users = useApi<{ data: Array<{ id: string; email: string; name: string }> }>('/organization/users?limit=100');
  const add = useChange((b: { user_id: string; role: string }) => api.post(`${base}/users`, b));
  const change = useChange((b: { user_id: string; role: string }) => api.post(`${base}/users/${b.user_id}`, { role: b.role }));
  const remove = useChange((userId: string) => api.delete(`${base}/users/${userId}`));
  return (
    <>
      <form class="inline-form" aria-label="Add a member" onSubmit={(e) => add.mutate(formValues(e) as any)}>
        <Field label="User" name="user_id" error={add.error}>
          {(p) => (
            <select {...p} required>
              {(users.data?.data ?? []).map((u) => (
                <option value={u.id}>{u.email}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Role" name="role" error={add.error}>
          {(p) => (
            <select {...p}>
              <option value="member">member</option>
              <option value="owner">owner</option>
            </select>
          )}
        </Field>
        <button type="submit" disabled={add.isPending}>
          Add member
        </button>
      </form>
      <ErrorMessage error={add.error ?? change.error ?? remove.error} />
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Members"
            rows={data.data}
            rowKey={(u) => u.id}
            empty="No members yet. Add organization users to this project above."
            columns={[
              { label: 'Name', cell: (u) => u.name },
              { label: 'Email', cell: (u) => u.email },
              {
                label: 'Role',
                cell: (u) => (
                  <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => change.mutate({ user_id: u.id, role: e.currentTarget.value })}>
                    <option value="member">member</option>
                    <option value="owner">owner</option>
                  </select>
                ),
              },
              { label: 'Added', cell: (u) => fmtDate(u.added_at) },
              { label: 'Actions', cell: (u) => <button type="button" class="link danger" aria-label={`Remove ${u.email}`} onClick={() => remove.mutate(u.id)}>Remove</button> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

function ServiceAccounts({ base }: { base: string }) {
  const q = useApi<{ data: Array<{ id: string; name: string; role: string; created_at: number }> }>(`${base}/service_accounts?limit=100`);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useChange(
    (b: { name: string }) => api.post<{ api_key: { value: string } }>(`${base}/service_accounts`, b),
    (r) => setSecret(r.api_key?.value ?? null),
  );
  const remove = useChange((saId: string) => api.delete(`${base}/service_accounts/${saId}`));
  return (
    <>
      <form class="inline-form" aria-label="Create a service account" onSubmit={(e) => create.mutate({ name: formValues(e).name })}>
        <Field label="Service account name" name="name" error={create.error}>
          {(p) => <input {...p} required />}
        </Field>
        <button type="submit" disabled={create.isPending}>
          Create service account
        </button>
      </form>
      <ErrorMessage error={create.error ?? remove.error} />
      {secret ? <SecretOnce label="The service account's API key" value={secret} onDone={() => setSecret(null)} /> : null}
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Service accounts"
            rows={data.data}
            rowKey={(s) => s.id}
            empty="No service accounts. Create one for a program that calls models on this project's behalf."
            columns={[
              { label: 'Name', cell: (s) => s.name },
              { label: 'ID', cell: (s) => <code>{s.id}</code> },
              { label: 'Role', cell: (s) => s.role },
              { label: 'Created', cell: (s) => fmtDate(s.created_at) },
              { label: 'Actions', cell: (s) => <button type="button" class="link danger" aria-label={`Delete ${s.name}`} onClick={() => confirm(`Delete ${s.name} and its keys?`) && remove.mutate(s.id)}>Delete</button> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

interface ApiKey {
  id: string;
  name: string;
  redacted_value: string;
  created_at: number;
  last_used_at: number | null;
  owner: { type: string; user?: { email: string }; service_account?: { name: string } };
}

function ApiKeys({ base }: { base: string }) {
  const q = useApi<{ data: ApiKey[] }>(`${base}/api_keys?limit=100`);
  const members = useApi<{ data: ProjectUser[] }>(`${base}/users?limit=100`);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useChange(
    (b: { name: string; user_id: string }) => api.post<{ value: string }>(`${base}/api_keys`, b),
    (r) => setSecret(r.value),
  );
  const revoke = useChange((keyId: string) => api.delete(`${base}/api_keys/${keyId}`));
  const memberList = members.data?.data ?? [];
  return (
    <>
      {members.data && memberList.length === 0 ? (
        <Empty>A project key belongs to a project member: add a member first (Members tab).</Empty>
      ) : (
        <form class="inline-form" aria-label="Create an API key" onSubmit={(e) => create.mutate(formValues(e) as any)}>
          <Field label="Key name" name="name" error={create.error}>
            {(p) => <input {...p} required placeholder="e.g. production" />}
          </Field>
          <Field label="Owner" name="user_id" error={create.error}>
            {(p) => (
              <select {...p}>
                {memberList.map((u) => (
                  <option value={u.id}>{u.email}</option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={create.isPending}>
            Create key
          </button>
        </form>
      )}
      <ErrorMessage error={create.error ?? revoke.error} />
      {secret ? <SecretOnce label="The new API key" value={secret} onDone={() => setSecret(null)} /> : null}
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="API keys"
            rows={data.data}
            rowKey={(k) => k.id}
            empty="No API keys in this project yet."
            columns={[
              { label: 'Name', cell: (k) => k.name },
              { label: 'Key', cell: (k) => <code>{k.redacted_value}</code> },
              { label: 'Owner', cell: (k) => k.owner.user?.email ?? k.owner.service_account?.name ?? k.owner.type },
              { label: 'Created', cell: (k) => fmtDate(k.created_at) },
              { label: 'Last used', cell: (k) => fmtDate(k.last_used_at) },
              { label: 'Actions', cell: (k) => <button type="button" class="link danger" aria-label={`Revoke ${k.name}`} onClick={() => confirm(`Revoke ${k.name}? Programs using it stop working.`) && revoke.mutate(k.id)}>Revoke</button> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

const LIMIT_FIELDS: Array<[string, string]> = [
  ['max_requests_per_1_minute', 'Requests / min'],
  ['max_tokens_per_1_minute', 'Tokens / min'],
  ['max_images_per_1_minute', 'Images / min'],
  ['max_audio_megabytes_per_1_minute', 'Audio MB / min'],
  ['max_requests_per_1_day', 'Requests / day'],
  ['batch_1_day_max_input_tokens', 'Batch input tokens / day'],
];

function RateLimits({ base }: { base: string }) {
  const [filter, setFilter] = useState('');
  const q = useApi<{ data: Array<Record<string, any>> }>(`${base}/rate_limits?limit=100`);
  const save = useChange((b: { id: string; body: Record<string, number> }) => api.post(`${base}/rate_limits/${b.id}`, b.body));
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <>
      <div class="field narrow">
        <label for="rl-filter">Filter models</label>
        <input id="rl-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} placeholder="e.g. gpt-4o" />
      </div>
      <ErrorMessage error={save.error} />
      {saved ? (
        <p role="status" class="ok">
          Saved the limits of {saved}.
        </p>
      ) : null}
      <Loaded q={q}>
        {(data) => {
          const rows = data.data.filter((r) => r.model.includes(filter.trim()));
          if (rows.length === 0) return <Empty>No model matches.</Empty>;
          return (
            <div class="table-wrap">
              <table class="limits">
                <caption class="sr-only">Rate limits per model</caption>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    {LIMIT_FIELDS.map(([, label]) => (
                      <th scope="col" class="num">
                        {label}
                      </th>
                    ))}
                    <th scope="col">
                      <span class="sr-only">Save</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">
                        <code>{r.model}</code>
                      </th>
                      {LIMIT_FIELDS.map(([f, label]) => (
                        <td class="num">
                          {r[f] === undefined ? (
                            <span class="muted">—</span>
                          ) : (
                            <input form={`rl-${r.id}`} name={f} type="number" min={0} step={1} defaultValue={String(r[f])} aria-label={`${label} for ${r.model}`} class="num-input" />
                          )}
                        </td>
                      ))}
                      <td>
                        <form
                          id={`rl-${r.id}`}
                          onSubmit={(e) => {
                            const v = formValues(e);
                            const body: Record<string, number> = {};
                            for (const [k, value] of Object.entries(v)) if (value !== '' && Number(value) !== r[k]) body[k] = Number(value);
                            setSaved(null);
                            save.mutate({ id: r.id, body }, { onSuccess: () => setSaved(r.model) });
                          }}
                        >
                          <button type="submit" class="secondary" aria-label={`Save limits for ${r.model}`}>
                            Save
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Loaded>
    </>
  );
}

function Groups({ base }: { base: string }) {
  const q = useApi<{ data: Array<{ group_id: string; group_name: string; created_at: number; project_id: string }> }>(`${base}/groups?limit=100`);
  const groups = useApi<{ data: Array<{ id: string; name: string }> }>('/organization/groups?limit=100');
  const projectId = base.split('/').pop()!;
  const roles = useApi<{ data: Array<{ id: string; name: string }> }>(`/projects/${projectId}/roles?limit=100`);
  const add = useChange((b: { group_id: string; role: string }) => api.post(`${base}/groups`, b));
  const remove = useChange((groupId: string) => api.delete(`${base}/groups/${groupId}`));
  return (
    <>
      {groups.data && groups.data.data.length === 0 ? (
        <Empty>
          No groups in the organization yet: create one under <a href="/console/people">People</a>, then give it access here.
        </Empty>
      ) : (
        <form class="inline-form" aria-label="Give a group access" onSubmit={(e) => add.mutate(formValues(e) as any)}>
          <Field label="Group" name="group_id" error={add.error}>
            {(p) => (
              <select {...p}>
                {(groups.data?.data ?? []).map((g) => (
                  <option value={g.id}>{g.name}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Project role" name="role" error={add.error}>
            {(p) => (
              <select {...p}>
                {(roles.data?.data ?? []).map((r) => (
                  <option value={r.id}>{r.name}</option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={add.isPending}>
            Add group
          </button>
        </form>
      )}
      <ErrorMessage error={add.error ?? remove.error} />
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Groups with access"
            rows={data.data}
            rowKey={(g) => g.group_id}
            empty="No groups have access to this project."
            columns={[
              { label: 'Group', cell: (g) => g.group_name },
              { label: 'ID', cell: (g) => <code>{g.group_id}</code> },
              { label: 'Added', cell: (g) => fmtDate(g.created_at) },
              { label: 'Actions', cell: (g) => <button type="button" class="link danger" onClick={() => remove.mutate(g.group_id)} aria-label={`Remove ${g.group_name}`}>Remove</button> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

export function RoleList({ path, scope }: { path: string; scope: 'project' | 'organization' }) {
  const q = useApi<{ data: Array<{ id: string; name: string; description: string | null; permissions: string[]; predefined_role: boolean }> }>(`${path}?limit=100`);
  const create = useChange((b: { role_name: string; permissions: string[]; description?: string }) => api.post(path, b));
  const remove = useChange((roleId: string) => api.delete(`${path}/${roleId}`));
  const catalog = [...new Set((q.data?.data ?? []).flatMap((r) => r.permissions))].sort();
  return (
    <>
      <form
        class="stack-form"
        aria-label={`Create a custom ${scope} role`}
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          create.mutate({ role_name: String(form.get('role_name')), description: String(form.get('description') || '') || undefined, permissions: form.getAll('permissions').map(String) });
        }}
      >
        <h2>New custom role</h2>
        <div class="row">
          <Field label="Role name" name="role_name" error={create.error}>
            {(p) => <input {...p} required />}
          </Field>
          <Field label="Description" name="description" error={create.error}>
            {(p) => <input {...p} />}
          </Field>
        </div>
        <fieldset aria-invalid={create.error?.param?.startsWith('permissions') || undefined}>
          <legend>Permissions (from the predefined roles' catalog)</legend>
          <div class="perm-grid">
            {catalog.map((perm) => (
              <label class="check">
                <input type="checkbox" name="permissions" value={perm} /> <code>{perm}</code>
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Create role
        </button>
      </form>
      <ErrorMessage error={create.error ?? remove.error} />
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Roles"
            rows={data.data}
            rowKey={(r) => r.id}
            columns={[
              { label: 'Role', cell: (r) => r.name },
              { label: 'Kind', cell: (r) => (r.predefined_role ? <Badge>predefined</Badge> : <Badge tone="good">custom</Badge>) },
              { label: 'Permissions', cell: (r) => <span title={r.permissions.join(', ')}>{r.permissions.length}</span>, numeric: true },
              { label: 'Description', cell: (r) => r.description ?? '' },
              { label: 'Actions', cell: (r) => (r.predefined_role ? null : <button type="button" class="link danger" onClick={() => remove.mutate(r.id)} aria-label={`Delete role ${r.name}`}>Delete</button>) },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

function Roles({ projectId }: { projectId: string }) {
  return <RoleList path={`/projects/${projectId}/roles`} scope="project" />;
}


import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorMessage, Field, fmtDate, formValues, Loaded, PageHeader, SecretOnce, Table, useApi, useChange } from '../ui';

interface AdminKey {
  id: string;
  name: string;
  redacted_value: string;
  created_at: number;
  last_used_at: number | null;
  owner: { name?: string; email?: string; role?: string };
}

export default function AdminKeys() {
  const q = useApi<{ data: AdminKey[] }>('/organization/admin_api_keys?limit=100');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useChange(
    (b: { name: string }) => api.post<{ value: string }>('/organization/admin_api_keys', b),
    (r) => setSecret(r.value),
  );
  const remove = useChange((id: string) => api.delete(`/organization/admin_api_keys/${id}`));
  return (
    <>
      <PageHeader title="Admin keys" />
      <p class="muted">Admin keys call the Administration API (and sign in here). Deleting a key ends the console sessions opened with it.</p>
      <form class="inline-form" aria-label="Create an admin key" onSubmit={(e) => create.mutate({ name: formValues(e).name })}>
        <Field label="Key name" name="name" error={create.error}>
          {(p) => <input {...p} required />}
        </Field>
        <button type="submit" disabled={create.isPending}>
          Create admin key
        </button>
      </form>
      <ErrorMessage error={create.error ?? remove.error} />
      {secret ? <SecretOnce label="The new admin key" value={secret} onDone={() => setSecret(null)} /> : null}
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Admin keys"
            rows={data.data}
            rowKey={(k) => k.id}
            columns={[
              { label: 'Name', cell: (k) => k.name },
              { label: 'Key', cell: (k) => <code>{k.redacted_value}</code> },
              { label: 'Owner', cell: (k) => k.owner?.email ?? k.owner?.name ?? '' },
              { label: 'Created', cell: (k) => fmtDate(k.created_at) },
              { label: 'Last used', cell: (k) => fmtDate(k.last_used_at) },
              { label: 'Actions', cell: (k) => <button type="button" class="link danger" aria-label={`Delete ${k.name}`} onClick={() => confirm(`Delete ${k.name}? Programs and sessions using it stop working.`) && remove.mutate(k.id)}>Delete</button> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

import { useState } from 'preact/hooks';
import { api } from '../api';
import { Badge, ErrorMessage, Field, fmtDate, formValues, Loaded, PageHeader, Table, useApi, useChange } from '../ui';

export interface Project {
  id: string;
  name: string;
  created_at: number;
  archived_at: number | null;
  status: 'active' | 'archived';
}

export default function Projects() {
  const [archived, setArchived] = useState(false);
  const q = useApi<{ data: Project[] }>(`/organization/projects?limit=100${archived ? '&include_archived=true' : ''}`);
  const create = useChange((body: { name: string }) => api.post<Project>('/organization/projects', body));
  return (
    <>
      <PageHeader title="Projects" />
      <form
        class="inline-form"
        aria-label="Create a project"
        onSubmit={(e) => {
          const v = formValues(e);
          create.mutate({ name: v.name }, { onSuccess: () => (e.currentTarget as HTMLFormElement | null)?.reset?.() });
        }}
      >
        <Field label="New project name" name="name" error={create.error}>
          {(p) => <input {...p} required maxLength={256} placeholder="e.g. Support bot" />}
        </Field>
        <button type="submit" disabled={create.isPending}>
          Create project
        </button>
      </form>
      <ErrorMessage error={create.error} />
      {create.data ? (
        <p role="status" class="ok">
          Created <a href={`/console/projects/${create.data.id}`}>{create.data.name}</a>.
        </p>
      ) : null}
      <label class="check">
        <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} /> Show archived projects
      </label>
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Projects"
            rows={data.data}
            rowKey={(p) => p.id}
            columns={[
              { label: 'Name', cell: (p) => <a href={`/console/projects/${p.id}`}>{p.name}</a> },
              { label: 'ID', cell: (p) => <code>{p.id}</code> },
              { label: 'Status', cell: (p) => <Badge tone={p.status === 'active' ? 'good' : 'neutral'}>{p.status}</Badge> },
              { label: 'Created', cell: (p) => fmtDate(p.created_at) },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

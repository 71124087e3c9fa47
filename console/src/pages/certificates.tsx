import { api } from '../api';
import { Badge, ErrorMessage, Field, fmtDate, formValues, Loaded, PageHeader, Table, useApi, useChange } from '../ui';

interface Certificate {
  id: string;
  name: string | null;
  active?: boolean;
  created_at: number;
  certificate_details: { valid_at: number; expires_at: number };
}

export default function Certificates() {
  const q = useApi<{ data: Certificate[] }>('/organization/certificates?limit=100');
  const upload = useChange((b: { name?: string; certificate: string }) => api.post('/organization/certificates', b));
  const toggle = useChange((b: { id: string; on: boolean }) => api.post(`/organization/certificates/${b.on ? 'activate' : 'deactivate'}`, { certificate_ids: [b.id] }));
  const remove = useChange((id: string) => api.delete(`/organization/certificates/${id}`));
  return (
    <>
      <PageHeader title="Certificates" />
      <form
        class="stack-form"
        aria-label="Upload a certificate"
        onSubmit={(e) => {
          const v = formValues(e);
          upload.mutate({ name: v.name || undefined, certificate: v.certificate });
        }}
      >
        <Field label="Name" name="name" error={upload.error}>
          {(p) => <input {...p} />}
        </Field>
        <Field label="Certificate (PEM)" name="certificate" error={upload.error}>
          {(p) => <textarea {...p} rows={5} class="mono" required placeholder="-----BEGIN CERTIFICATE-----" />}
        </Field>
        <button type="submit" disabled={upload.isPending}>
          Upload certificate
        </button>
      </form>
      <ErrorMessage error={upload.error ?? toggle.error ?? remove.error} />
      <Loaded q={q}>
        {(data) => (
          <Table
            caption="Certificates"
            rows={data.data}
            rowKey={(c) => c.id}
            empty="No certificates. Upload a CA certificate (PEM) for mutual TLS."
            columns={[
              { label: 'Name', cell: (c) => c.name ?? '' },
              { label: 'ID', cell: (c) => <code>{c.id}</code> },
              { label: 'State', cell: (c) => <Badge tone={c.active ? 'good' : 'neutral'}>{c.active ? 'active' : 'inactive'}</Badge> },
              { label: 'Valid', cell: (c) => `${fmtDate(c.certificate_details.valid_at)} – ${fmtDate(c.certificate_details.expires_at)}` },
              {
                label: 'Actions',
                cell: (c) => (
                  <>
                    <button type="button" class="link" onClick={() => toggle.mutate({ id: c.id, on: !c.active })}>
                      {c.active ? 'Deactivate' : 'Activate'}
                    </button>{' '}
                    <button type="button" class="link danger" onClick={() => remove.mutate(c.id)} aria-label={`Delete ${c.name ?? c.id}`}>
                      Delete
                    </button>
                  </>
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

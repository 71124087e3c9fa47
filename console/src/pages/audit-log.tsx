import { useState } from 'preact/hooks';
import { query } from '../api';
import { Code, ErrorMessage, fmtDate, Loaded, PageHeader, Table, useApi } from '../ui';

// The event types orgplane writes (the API accepts every type OpenAI defines).
const EVENT_TYPES = [
  'api_key.created', 'api_key.updated', 'api_key.deleted', 'certificate.created', 'certificate.updated', 'certificate.deleted', 'certificates.activated',
  'certificates.deactivated', 'group.created', 'group.updated', 'group.deleted', 'invite.sent', 'invite.accepted', 'invite.deleted', 'login.succeeded',
  'logout.succeeded', 'project.created', 'project.updated', 'project.archived', 'rate_limit.updated', 'rate_limit.deleted', 'role.created', 'role.updated',
  'role.deleted', 'role.assignment.created', 'role.assignment.deleted', 'service_account.created', 'service_account.updated', 'service_account.deleted',
  'user.added', 'user.updated', 'user.deleted',
];

interface AuditEvent {
  id: string;
  type: string;
  effective_at: number;
  project?: { id: string; name: string };
  actor?: { type: string; session?: { user?: { email: string }; ip_address?: string }; api_key?: { id: string; user?: { email: string }; service_account?: { id: string } } };
  [details: string]: unknown;
}

interface Filters {
  type: string;
  actor: string;
  project: string;
  from: string;
  to: string;
}

const PAGE = 20;
const dayStart = (v: string) => (v ? Math.floor(Date.parse(`${v}T00:00:00Z`) / 1000) : undefined);

export default function AuditLog() {
  const [filters, setFilters] = useState<Filters>({ type: '', actor: '', project: '', from: '', to: '' });
  // The cursors of the pages before this one, so that "Previous" goes back exactly.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const projects = useApi<{ data: Array<{ id: string; name: string }> }>('/organization/projects?limit=100&include_archived=true');
  const actor = filters.actor.trim();
  const path =
    '/organization/audit_logs' +
    query({
      limit: PAGE,
      after,
      'event_types': filters.type ? [filters.type] : undefined,
      'actor_emails': actor.includes('@') ? [actor] : undefined,
      'actor_ids': actor && !actor.includes('@') ? [actor] : undefined,
      'project_ids': filters.project ? [filters.project] : undefined,
      'effective_at[gte]': dayStart(filters.from),
      'effective_at[lt]': filters.to ? dayStart(filters.to)! + 86400 : undefined,
    } as any);
  const q = useApi<{ data: AuditEvent[]; has_more: boolean; last_id: string | null }>(path);
  const set = (patch: Partial<Filters>) => {
    setFilters({ ...filters, ...patch });
    setCursors([]);
  };
  return (
    <>
      <PageHeader title="Audit log" />
      <form class="filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="a-type">Event type</label>
          <select id="a-type" value={filters.type} onChange={(e) => set({ type: e.currentTarget.value })}>
            <option value="">All types</option>
            {EVENT_TYPES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="a-actor">Actor (email or user ID)</label>
          <input id="a-actor" type="search" value={filters.actor} onChange={(e) => set({ actor: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="a-project">Project</label>
          <select id="a-project" value={filters.project} onChange={(e) => set({ project: e.currentTarget.value })}>
            <option value="">All projects</option>
            {(projects.data?.data ?? []).map((p) => (
              <option value={p.id}>{p.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="a-from">From (UTC)</label>
          <input id="a-from" type="date" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="a-to">To (UTC, inclusive)</label>
          <input id="a-to" type="date" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })} />
        </div>
      </form>
      <Loaded q={q}>
        {(data) => (
          <>
            <Table
              caption="Audit events"
              rows={data.data}
              rowKey={(e) => e.id}
              empty={cursors.length ? 'No more events.' : 'No events match these filters.'}
              columns={[
                { label: 'When', cell: (e) => fmtDate(e.effective_at) },
                { label: 'Event', cell: (e) => <Code>{e.type}</Code> },
                { label: 'Actor', cell: (e) => <Actor event={e} /> },
                { label: 'Project', cell: (e) => e.project?.name ?? '' },
                { label: 'Details', cell: (e) => <Details event={e} /> },
              ]}
            />
            <div class="pager">
              <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous
              </button>
              <span class="muted">Page {cursors.length + 1}</span>
              <button type="button" class="secondary" disabled={!data.has_more || !data.last_id} onClick={() => setCursors([...cursors, data.last_id!])}>
                Next
              </button>
            </div>
          </>
        )}
      </Loaded>
      <ErrorMessage error={null} />
    </>
  );
}

function Actor({ event }: { event: AuditEvent }) {
  const a = event.actor;
  if (a?.session) return <span title={`console session from ${a.session.ip_address ?? '?'}`}>{a.session.user?.email} <span class="muted">(console)</span></span>;
  if (a?.api_key) return <span title={`API key ${a.api_key.id}`}>{a.api_key.user?.email ?? a.api_key.service_account?.id}</span>;
  return <>{a?.type ?? ''}</>;
}

function Details({ event }: { event: AuditEvent }) {
  const details = event[event.type] as Record<string, unknown> | undefined;
  if (!details || Object.keys(details).length === 0) return null;
  const text = JSON.stringify(details);
  return <code class="details" title={text}>{text.length > 120 ? `${text.slice(0, 117)}…` : text}</code>;
}

import { useEffect, type ReactNode } from 'react';
import type { StreamStatus } from './api/event-stream';
import { AgentsPage } from './pages/agents-page';
import { ApprovalsPage } from './pages/approvals-page';
import { AuditPage } from './pages/audit-page';
import { ExceptionsPage } from './pages/exceptions-page';
import { OutcomesPage } from './pages/outcomes-page';
import { OverviewPage } from './pages/overview-page';
import { WorkDetailPage } from './pages/work-detail-page';
import { WorkPage } from './pages/work-page';
import { Link, useLocation } from './router';
import { useSession } from './session';

interface Section {
  path: string;
  label: string;
  /** The page for a path under this section, or null when the path is not one of its own. */
  render: (path: string) => ReactNode | null;
}

/**
 * The dashboard's sections, in the order of the organization's dimensions. A new section is one
 * entry here and one page under pages/.
 */
const SECTIONS: readonly Section[] = [
  { path: '/', label: 'Overview', render: (p) => (p === '/' ? <OverviewPage /> : null) },
  {
    path: '/work',
    label: 'Work',
    render: (p) => {
      if (p === '/work') return <WorkPage />;
      const id = /^\/work\/([^/]+)$/.exec(p)?.[1];
      return id === undefined ? null : <WorkDetailPage id={decodeURIComponent(id)} />;
    },
  },
  {
    path: '/exceptions',
    label: 'Exceptions',
    render: (p) => (p === '/exceptions' ? <ExceptionsPage /> : null),
  },
  {
    path: '/approvals',
    label: 'Approvals',
    render: (p) => (p === '/approvals' ? <ApprovalsPage /> : null),
  },
  {
    path: '/agents',
    label: 'Agents and people',
    render: (p) => (p === '/agents' ? <AgentsPage /> : null),
  },
  {
    path: '/outcomes',
    label: 'Outcomes',
    render: (p) => (p === '/outcomes' ? <OutcomesPage /> : null),
  },
  { path: '/audit', label: 'Audit', render: (p) => (p === '/audit' ? <AuditPage /> : null) },
];

const isIn = (path: string, section: Section) =>
  section.path === '/'
    ? path === '/'
    : path === section.path || path.startsWith(`${section.path}/`);

const STREAM_LABEL: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'offline',
};

export function Layout({ streamStatus }: { streamStatus: StreamStatus }) {
  const { me, logout } = useSession();
  const { path } = useLocation();
  let page: ReactNode | null = null;
  for (const section of SECTIONS) {
    page = section.render(path);
    if (page !== null) break;
  }
  // The tab and the history name the section, for screen readers and people with many tabs.
  const current = SECTIONS.find((section) => isIn(path, section));
  useEffect(() => {
    document.title = current === undefined ? 'autonomy' : `${current.label} · autonomy`;
  }, [current]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">autonomy</span>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((section) => (
              <li key={section.path}>
                <Link href={section.path} aria-current={isIn(path, section) ? 'page' : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className={`stream stream-${streamStatus}`} role="status" aria-live="polite">
            {STREAM_LABEL[streamStatus]}
          </span>
          <span className="me" data-testid="role">
            {me.name} · {me.role}
          </span>
          <button type="button" onClick={logout}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page ?? (
          <section>
            <h1>Not found</h1>
            <p>
              No page at {path}. <Link href="/">Back to the overview</Link>
            </p>
          </section>
        )}
      </main>
    </div>
  );
}

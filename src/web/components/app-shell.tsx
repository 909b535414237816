import type { ReactNode } from 'react';
import { useModelPullEvents } from '../hooks/use-model-pulls.ts';
import { useModelServerWatch } from '../hooks/use-model-server-watch.ts';
import { useShortcuts } from '../hooks/use-shortcuts.ts';
import { useProjectsChanged } from '../hooks/use-projects-changed.ts';
import { useAccountsOn, useIsAdmin } from '../lib/permissions.ts';
import { Link, paths, useRoute } from '../lib/router.tsx';
import { useTheme } from '../lib/theme.ts';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { DownloadsTray } from './downloads-tray.tsx';
import { MoonIcon, SunIcon } from './icons.tsx';
import { OfflineBanner } from './offline-banner.tsx';
import { ShortcutsDialog } from './shortcuts-dialog.tsx';

/** Header (brand, navigation, connection pill, theme toggle), the offline banner, then the page. */
export function AppShell({ children }: { children: ReactNode }) {
  const route = useRoute();
  const { resolved, toggle } = useTheme();
  useProjectsChanged();
  useModelPullEvents();
  useModelServerWatch();
  const shortcuts = useShortcuts();
  const section = route.name === 'settings' || route.name === 'users' ? route.name : 'projects';
  // Accounts: admins manage users (the page says so to anyone else who opens it).
  const accountsOn = useAccountsOn();
  const isAdmin = useIsAdmin();
  const showUsers = accountsOn && isAdmin;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to={paths.projects()} className="brand" aria-label="DAA Chatbot, home">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          <span className="brand-name">DAA Chatbot</span>
        </Link>
        <nav className="app-nav" aria-label="Main">
          <Link to={paths.projects()} aria-current={section === 'projects' ? 'page' : undefined}>
            Projects
          </Link>
          <Link to={paths.settings()} aria-current={section === 'settings' ? 'page' : undefined}>
            Settings
          </Link>
          {showUsers ? (
            <Link to={paths.users()} aria-current={section === 'users' ? 'page' : undefined}>
              Users
            </Link>
          ) : null}
          {/* The server's own page (Swagger UI), not a route of the app. */}
          <a href="/docs" className="nav-docs" target="_blank" rel="noopener" title="The REST API, with examples you can try">
            API docs
          </a>
        </nav>
        <div className="header-tools">
          <ConnectionIndicator />
          <button
            type="button"
            className="icon-button"
            onClick={toggle}
            aria-label={resolved === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
            title={resolved === 'dark' ? 'Light theme' : 'Dark theme'}
            data-testid="theme-toggle"
          >
            {resolved === 'dark' ? <SunIcon /> : <MoonIcon />}
          </button>
        </div>
      </header>
      <OfflineBanner />
      <DownloadsTray />
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
      {shortcuts.helpOpen ? <ShortcutsDialog onClose={shortcuts.closeHelp} /> : null}
    </div>
  );
}

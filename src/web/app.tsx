import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useAuthMode, useCurrentUser } from './api/accounts.ts';
import { AppShell } from './components/app-shell.tsx';
import { EmptyState } from './components/feedback.tsx';
import { ToastProvider } from './components/toasts.tsx';
import { ApiError } from './lib/api.ts';
import { ConnectionProvider } from './lib/connection-context.tsx';
import { Link, RouterProvider, paths, useRoute } from './lib/router.tsx';
import { Loading } from './components/feedback.tsx';
import type { ConnectionManager } from './lib/socket.ts';
import { ChatPage } from './pages/chat-page.tsx';
import { ProjectPage } from './pages/project-page.tsx';
import { ProjectsPage } from './pages/projects-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { UsersPage } from './pages/users-page.tsx';

/** Loaded only when opened, so the chat pages stay light. */
const AnalyticsPage = lazy(() => import('./pages/analytics-page.tsx'));

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live events keep lists fresh; a refetch on focus covers whatever happened while asleep.
        staleTime: 30_000,
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
}

function Pages() {
  const route = useRoute();
  useEffect(() => {
    // The chat page names the tab after the chat itself.
    if (route.name === 'chat') return;
    const titles: Record<string, string> = {
      projects: 'Projects',
      settings: 'Settings',
      users: 'Users',
      project: 'Project',
      analytics: 'Analytics',
      chat: 'Chat',
    };
    document.title = `${titles[route.name] ?? 'Not found'} · DAA Chatbot`;
  }, [route.name]);
  switch (route.name) {
    case 'projects':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage key={route.projectId} projectId={route.projectId} />;
    case 'analytics':
      return (
        <Suspense fallback={<Loading label="Loading analytics…" />}>
          <AnalyticsPage key={route.projectId} projectId={route.projectId} />
        </Suspense>
      );
    case 'chat':
      return <ChatPage key={route.chatId} chatId={route.chatId} />;
    case 'settings':
      return <SettingsPage />;
    case 'users':
      return <UsersPage />;
    default:
      return (
        <div className="page">
          <EmptyState title="There is no page here" action={<Link to={paths.projects()}>Go to your projects</Link>}>
            The address <code>{route.path}</code> does not match any page.
          </EmptyState>
        </div>
      );
  }
}

/** With accounts on, nothing but the sign-in (or first-run) page until someone is signed in. */
function AccountGate({ children }: { children: React.ReactNode }) {
  const mode = useAuthMode();
  const accountsOn = mode.data?.auth_mode === 'accounts';
  const me = useCurrentUser(accountsOn && !mode.data?.setup_required);
  if (!accountsOn) return <>{children}</>;
  if (mode.data?.setup_required) return <SignInPage firstRun />;
  if (me.isPending) return null;
  if (!me.data) return <SignInPage firstRun={false} />;
  return <>{children}</>;
}

/** The whole app: data cache, the tab's connection, toasts, router, shell and pages. */
export function App({ manager, queryClient }: { manager: ConnectionManager; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <QueryClientProvider client={client}>
      <ConnectionProvider manager={manager}>
        <ToastProvider>
          <RouterProvider>
            <AccountGate>
              <AppShell>
                <Pages />
              </AppShell>
            </AccountGate>
          </RouterProvider>
        </ToastProvider>
      </ConnectionProvider>
    </QueryClientProvider>
  );
}

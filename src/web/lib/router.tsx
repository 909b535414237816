import { createContext, useContext, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/** The app's pages. Five routes do not need a router library; this is the whole router. */
export type Route =
  | { name: 'projects' }
  | { name: 'project'; projectId: number }
  | { name: 'analytics'; projectId: number }
  | { name: 'chat'; chatId: number }
  | { name: 'settings' }
  | { name: 'users' }
  | { name: 'not-found'; path: string };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/projects') return { name: 'projects' };
  if (path === '/settings') return { name: 'settings' };
  if (path === '/users') return { name: 'users' };
  const project = /^\/projects\/([1-9]\d{0,14})$/.exec(path);
  if (project) return { name: 'project', projectId: Number(project[1]) };
  const analytics = /^\/projects\/([1-9]\d{0,14})\/analytics$/.exec(path);
  if (analytics) return { name: 'analytics', projectId: Number(analytics[1]) };
  const chat = /^\/chats\/([1-9]\d{0,14})$/.exec(path);
  if (chat) return { name: 'chat', chatId: Number(chat[1]) };
  return { name: 'not-found', path };
}

export const paths = {
  projects: () => '/',
  project: (projectId: number) => `/projects/${projectId}`,
  analytics: (projectId: number) => `/projects/${projectId}/analytics`,
  chat: (chatId: number) => `/chats/${chatId}`,
  settings: () => '/settings',
  /** Accounts on, admins: who may sign in. */
  users: () => '/users',
  /** The Models section of Settings: where "download it first" leads. */
  models: () => '/settings#models',
};

interface Location {
  pathname: string;
  /** `history.state`: e.g. the first question of a new chat. */
  state: unknown;
}

const LocationContext = createContext<Location>({ pathname: '/', state: null });

function currentLocation(): Location {
  return { pathname: window.location.pathname, state: window.history.state };
}

const NAVIGATE_EVENT = 'daa:navigate';

/** Goes to a page without reloading (history API). */
export function navigate(to: string, options: { replace?: boolean; state?: unknown } = {}): void {
  if (options.replace) window.history.replaceState(options.state ?? null, '', to);
  else window.history.pushState(options.state ?? null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo?.(0, 0);
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState<Location>(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return <LocationContext.Provider value={location}>{children}</LocationContext.Provider>;
}

export function useLocation(): Location {
  return useContext(LocationContext);
}

export function useRoute(): Route {
  return matchRoute(useLocation().pathname);
}

/** An ordinary link (middle click and new tabs work) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}

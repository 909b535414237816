import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';
import { readApiToken } from '../lib/api-token.ts';
import { authHeaders, errorFromBody, errorMessage } from '../lib/api.ts';
import { useToast } from './toasts.tsx';

/**
 * Files from the API (downloads, chat exports, the PDF viewer) are opened by the browser itself, and a
 * plain link cannot send the `Authorization` header. Without an API token the link is used as is; with
 * one, the file is fetched with the header and handed to the browser as a blob URL (`#page=N` kept).
 */
export async function fetchApiFile(url: string): Promise<{ objectUrl: string; filename: string | null }> {
  const [path, hash] = url.split('#');
  const response = await fetch(path!, { headers: authHeaders() });
  if (!response.ok) {
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    throw errorFromBody(response.status, parsed, text);
  }
  const objectUrl = URL.createObjectURL(await response.blob());
  return { objectUrl: hash ? `${objectUrl}#${hash}` : objectUrl, filename: filenameFrom(response.headers.get('content-disposition')) };
}

function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // fall through to the plain name
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
}

/** Blob URLs are only needed until the browser has taken the file. */
const REVOKE_AFTER_MS = 60_000;

/** An `<a>` to an API file (`download` or `target="_blank"`) that also works when the server wants a token. */
export function ApiFileLink({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const toast = useToast();
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || !readApiToken()) return;
    event.preventDefault();
    const anchor = event.currentTarget;
    const download = anchor.getAttribute('download');
    // Opened now, while the click still counts as the user's: a window opened after the fetch is blocked.
    const tab = anchor.target === '_blank' ? window.open('', '_blank') : null;
    fetchApiFile(href).then(
      ({ objectUrl, filename }) => {
        if (tab) tab.location.href = objectUrl;
        else {
          const link = document.createElement('a');
          link.href = objectUrl;
          link.download = download || filename || '';
          document.body.append(link);
          link.click();
          link.remove();
        }
        setTimeout(() => URL.revokeObjectURL(objectUrl.split('#')[0]!), REVOKE_AFTER_MS);
      },
      (error: unknown) => {
        tab?.close();
        toast.show(`The file could not be opened: ${errorMessage(error)}`, 'error');
      },
    );
  };
  return <a href={href} onClick={open} {...rest} />;
}

/** The `src` for an iframe showing an API file: the URL itself, or a blob URL fetched with the token. */
export function useApiFileSrc(url: string): { src: string | null; error: string | null } {
  const token = readApiToken();
  const [state, setState] = useState<{ src: string | null; error: string | null }>({ src: token ? null : url, error: null });
  useEffect(() => {
    if (!token) {
      setState({ src: url, error: null });
      return;
    }
    let objectUrl: string | null = null;
    let cancelled = false;
    setState({ src: null, error: null });
    fetchApiFile(url).then(
      (file) => {
        objectUrl = file.objectUrl.split('#')[0]!;
        if (cancelled) URL.revokeObjectURL(objectUrl);
        else setState({ src: file.objectUrl, error: null });
      },
      (error: unknown) => {
        if (!cancelled) setState({ src: null, error: errorMessage(error) });
      },
    );
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url, token]);
  return state;
}

import { memo, useMemo, useState, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import type { Source } from '../../protocol/source.ts';
import { describeLinkTarget, isLinkFromSources } from '../lib/answer-links.ts';
import { citationNumber, remarkCitations } from '../lib/citations.ts';
import { LinkConfirmDialog } from './link-confirm-dialog.tsx';

/**
 * A model's answer as Markdown: GFM (tables, lists, code), sanitized (no raw HTML, no script, no
 * `javascript:` links), remote images never loaded (a model could be steered by a document into
 * leaking text through an image URL), and `[n]` citations as buttons that open source n. A link
 * opens directly only when its address is in one of the answer's sources; any other shows its site
 * and asks first (the same steering could point it at a phishing page).
 */
export const AnswerMarkdown = memo(function AnswerMarkdown({
  text,
  sources,
  onCite,
}: {
  text: string;
  sources: readonly Source[];
  onCite?: (sourceNumber: number) => void;
}) {
  const sourceCount = sources.length;
  const [confirming, setConfirming] = useState<string | null>(null);
  const remarkPlugins = useMemo(() => [remarkGfm, [remarkCitations, { sourceCount }] as const], [sourceCount]);
  const passages = useMemo(() => sources.map((source) => source.content), [sources]);
  const components = useMemo<Components>(
    () => ({
      a: ({ href, children }) => {
        const number = citationNumber(href);
        if (number !== null) {
          return (
            <button
              type="button"
              className="citation"
              onClick={() => onCite?.(number)}
              aria-label={`Open source ${number}`}
              title={`Source ${number}`}
            >
              {number}
            </button>
          );
        }
        if (!href) return <span>{children}</span>;
        // In-page anchors (GFM footnotes) go nowhere else.
        if (href.startsWith('#')) return <a href={href}>{children}</a>;
        if (isLinkFromSources(href, passages)) {
          return (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          );
        }
        const { host } = describeLinkTarget(href);
        return (
          <button
            type="button"
            className="link-button answer-link"
            aria-haspopup="dialog"
            title={`Asks before opening ${href}`}
            onClick={() => setConfirming(href)}
          >
            {children}
            {host ? ' ' : null}
            {host ? <span className="link-host">({host})</span> : null}
          </button>
        );
      },
      img: ({ alt }) => (
        <span className="blocked-image" title="Images from answers are not loaded">
          [image{alt ? `: ${alt}` : ''}]
        </span>
      ),
      pre: ({ children }) => <CodeBlock>{children}</CodeBlock>,
      table: ({ children }) => (
        <div className="table-scroll">
          <table>{children}</table>
        </div>
      ),
    }),
    [onCite, passages],
  );
  return (
    <div className="markdown">
      <Markdown remarkPlugins={remarkPlugins as never} rehypePlugins={[rehypeSanitize]} components={components} skipHtml>
        {text}
      </Markdown>
      {confirming ? <LinkConfirmDialog href={confirming} onClose={() => setConfirming(null)} /> : null}
    </div>
  );
});

function CodeBlock({ children }: { children: ReactNode }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="code-block">
      <button
        type="button"
        className="code-copy"
        onClick={(event) => {
          const code = event.currentTarget.parentElement?.querySelector('pre')?.textContent ?? '';
          void navigator.clipboard?.writeText(code).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
      <pre>{children}</pre>
    </div>
  );
}

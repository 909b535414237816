import { memo, useMemo, useState, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { citationNumber, remarkCitations } from '../lib/citations.ts';

/**
 * A model's answer as Markdown: GFM (tables, lists, code), sanitized (no raw HTML, no script, no
 * `javascript:` links), remote images never loaded (a model could be steered by a document into
 * leaking text through an image URL), and `[n]` citations as buttons that open source n.
 */
export const AnswerMarkdown = memo(function AnswerMarkdown({
  text,
  sourceCount,
  onCite,
}: {
  text: string;
  sourceCount: number;
  onCite?: (sourceNumber: number) => void;
}) {
  const remarkPlugins = useMemo(() => [remarkGfm, [remarkCitations, { sourceCount }] as const], [sourceCount]);
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
        return (
          <a href={href} target="_blank" rel="noopener noreferrer nofollow">
            {children}
          </a>
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
    [onCite],
  );
  return (
    <div className="markdown">
      <Markdown remarkPlugins={remarkPlugins as never} rehypePlugins={[rehypeSanitize]} components={components} skipHtml>
        {text}
      </Markdown>
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

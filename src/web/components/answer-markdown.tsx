import type { Element, ElementContent } from 'hast';
import { toJsxRuntime } from 'hast-util-to-jsx-runtime';
import { memo, useEffect, useMemo, useState } from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';
import Markdown, { type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import type { Source } from '../../protocol/source.ts';
import { describeLinkTarget, isLinkFromSources } from '../lib/answer-links.ts';
import { citationNumber, remarkCitations } from '../lib/citations.ts';
import type { Highlighted } from '../lib/highlight.ts';
import { mayContainMath, normalizeMathDelimiters } from '../lib/math-delimiters.ts';
import { LinkConfirmDialog } from './link-confirm-dialog.tsx';

/**
 * A model's answer as Markdown: GFM (tables, lists, code), sanitized (no raw HTML, no script, no
 * `javascript:` links), remote images never loaded (a model could be steered by a document into
 * leaking text through an image URL), and `[n]` citations as buttons that open source n. A link
 * opens directly only when its address is in one of the answer's sources; any other shows its site
 * and asks first (the same steering could point it at a phishing page). Code blocks are highlighted
 * and math is typeset by modules loaded on first use (see lib/highlight.ts, lib/math-plugins.ts).
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
  const math = useMathPlugins(mayContainMath(text));
  const remarkPlugins = useMemo(
    () => [remarkGfm, ...(math ? [math.remarkMathPlugin] : []), [remarkCitations, { sourceCount }] as const],
    [sourceCount, math],
  );
  // KaTeX runs after the sanitizer: its markup (classes, inline styles) is its own, made from math text.
  const rehypePlugins = useMemo(() => [rehypeSanitize, ...(math ? [math.rehypeKatexPlugin] : [])], [math]);
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
      pre: ({ node }) => <CodeBlock node={node} />,
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
      <Markdown remarkPlugins={remarkPlugins as never} rehypePlugins={rehypePlugins as never} components={components} skipHtml>
        {math ? normalizeMathDelimiters(text) : text}
      </Markdown>
      {confirming ? <LinkConfirmDialog href={confirming} onClose={() => setConfirming(null)} /> : null}
    </div>
  );
});

type MathPlugins = typeof import('../lib/math-plugins.ts');
let mathModule: Promise<MathPlugins> | null = null;

/** The math plugins once an answer needs them (one shared import for every answer on the page). */
function useMathPlugins(needed: boolean): MathPlugins | null {
  const [plugins, setPlugins] = useState<MathPlugins | null>(null);
  useEffect(() => {
    if (!needed || plugins) return;
    let live = true;
    mathModule ??= import('../lib/math-plugins.ts');
    mathModule.then(
      (loaded) => {
        if (live) setPlugins(loaded);
      },
      () => {
        mathModule = null; // a failed chunk load (offline) is tried again next time
      },
    );
    return () => {
      live = false;
    };
  }, [needed, plugins]);
  return plugins;
}

type HighlightModule = typeof import('../lib/highlight.ts');
let highlightModule: Promise<HighlightModule> | null = null;

/** The fence's language: `language-ts` → `ts`. */
function codeLanguage(code: Element | undefined): string | null {
  const classes = code?.properties?.className;
  const list = Array.isArray(classes) ? classes : [];
  for (const name of list) {
    if (typeof name === 'string' && name.startsWith('language-')) return name.slice('language-'.length) || null;
  }
  return null;
}

function textOf(node: ElementContent | Element | undefined): string {
  if (!node) return '';
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

function CodeBlock({ node }: { node?: Element }) {
  const codeElement = node?.children.find((child): child is Element => child.type === 'element' && child.tagName === 'code');
  const code = textOf(codeElement);
  const fenceLanguage = codeLanguage(codeElement);
  const [copied, setCopied] = useState(false);
  const [highlighted, setHighlighted] = useState<Highlighted | null>(null);

  useEffect(() => {
    let live = true;
    highlightModule ??= import('../lib/highlight.ts');
    highlightModule.then(
      (loaded) => {
        if (live) setHighlighted(loaded.highlightCode(code, fenceLanguage));
      },
      () => {
        highlightModule = null; // shown plain; tried again next time
      },
    );
    return () => {
      live = false;
    };
  }, [code, fenceLanguage]);

  const language = highlighted?.language ?? fenceLanguage;
  return (
    <div className="code-block" data-language={language ?? undefined}>
      <div className="code-header">
        <span className="code-language">{language ?? 'text'}</span>
        <button
          type="button"
          className="code-copy"
          onClick={() => {
            void navigator.clipboard?.writeText(code).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre>
        <code className={`hljs${language ? ` language-${language}` : ''}`}>
          {highlighted ? toJsxRuntime(highlighted.tree, { Fragment, jsx, jsxs }) : code}
        </code>
      </pre>
    </div>
  );
}

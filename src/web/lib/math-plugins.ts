import 'katex/dist/katex.min.css';
import rehypeKatex from 'rehype-katex';
import remarkMath from 'remark-math';

/**
 * The math renderer (remark-math + KaTeX, with KaTeX's CSS and fonts bundled, never fetched from a
 * CDN), loaded only when an answer holds math. KaTeX runs with `trust: false` (no \href, \url or
 * \html… commands) after the sanitizer, on math text only, so its markup is KaTeX's own.
 */
export const remarkMathPlugin = [remarkMath, { singleDollarTextMath: false }] as const;
export const rehypeKatexPlugin = [rehypeKatex, { trust: false, strict: 'ignore', maxSize: 20, maxExpand: 500 }] as const;

/** Between the headings of a section's path, as citations and the Passages view show it. */
export const HEADING_PATH_SEPARATOR = ' › ';

/**
 * The headings a section sits under, outermost first ("Install › Linux"): a heading replaces every
 * heading of its level or deeper. Lets a passage under a repeated sub-heading ("Setup") say which
 * chapter it belongs to.
 */
export class HeadingPath {
  private readonly stack: Array<{ level: number; text: string }> = [];

  enter(level: number, text: string): void {
    while (this.stack.length > 0 && this.stack.at(-1)!.level >= level) this.stack.pop();
    this.stack.push({ level, text });
  }

  /** The path, or undefined before the first heading. */
  current(): string | undefined {
    return this.stack.length > 0 ? this.stack.map((heading) => heading.text).join(HEADING_PATH_SEPARATOR) : undefined;
  }
}

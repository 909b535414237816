#!/usr/bin/env node
// Plain JavaScript on purpose: the package runs its TypeScript through tsx, so the `daa` binary
// registers tsx's loader first, then imports the real entry.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);

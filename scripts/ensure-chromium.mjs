#!/usr/bin/env node
// Makes sure Debian's Chromium is there for the browser tests (playwright-core drives it; the
// Playwright browser download cannot work offline). As root it installs it with apt-get; otherwise
// it says exactly what to run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function version() {
  try {
    return execFileSync(chromium, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

if (fs.existsSync(chromium) && version()) {
  console.log(`browser tests use ${version()} (${chromium})`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && !process.env.CHROMIUM_PATH) {
  console.log('Chromium is missing: installing it with apt-get (Debian package "chromium")…');
  try {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (error) {
    console.error(`apt-get failed (${error.message}). Install Chromium yourself: apt-get update && apt-get install -y chromium`);
    process.exit(1);
  }
  if (version()) {
    console.log(`installed ${version()}`);
    process.exit(0);
  }
  console.error(`apt-get finished but ${chromium} does not run.`);
  process.exit(1);
}

console.error(
  [
    `The browser tests need Chromium at ${chromium}, and it is not there.`,
    'Install it with:',
    '  sudo apt-get update && sudo apt-get install -y chromium',
    'or point CHROMIUM_PATH at an existing Chromium/Chrome binary.',
  ].join('\n'),
);
process.exit(1);

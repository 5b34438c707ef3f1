// The browser tests drive Debian's Chromium. On a fresh Debian machine where we are root, install
// it (the README's test command must work there as written); elsewhere, say what is missing.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const chromium = '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(`The browser tests need Chromium at ${chromium} (Debian: apt-get install -y chromium).`);
    process.exit(1);
  }
  console.error('Installing Debian chromium for the browser tests…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
}

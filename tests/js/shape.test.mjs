// The frontend's shape (docs/architecture.md, "The frontend"): small files
// named for what they hold, app.js only wiring. A file that outgrows the
// limit is split by what it holds, not trimmed to pass.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const FRONTEND = fileURLToPath(new URL('../../frontend/', import.meta.url));
const FILE_MAX = 520;
const APP_MAX = 300;

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(js|css|html)$/.test(name)) yield path;
  }
}

const lines = (path) => readFileSync(path, 'utf8').split('\n').length - 1;

test('no frontend file is over the limit', () => {
  const over = [];
  for (const path of sources(FRONTEND)) {
    const name = relative(FRONTEND, path).split('\\').join('/');
    const n = lines(path);
    if (n > FILE_MAX) over.push(`${name}: ${n} lines`);
  }
  assert.deepEqual(over, []);
});

test('app.js stays wiring', () => {
  assert.ok(lines(join(FRONTEND, 'js/app.js')) <= APP_MAX, `app.js over ${APP_MAX} lines`);
});

test('the board and replay pages take the shared styles from one list', () => {
  for (const page of ['board.html', 'replay.html']) {
    const html = readFileSync(join(FRONTEND, page), 'utf8');
    const shared = readFileSync(join(FRONTEND, 'css/board.css'), 'utf8').match(/@import url\('([^']+)'\)/g);
    assert.ok(html.includes('/static/css/board.css'), `${page} links board.css`);
    for (const line of shared) {
      const file = line.slice("@import url('".length, -2);
      // A preload of it is fine (it only asks sooner); a style sheet of its own is a second list.
      const own = `<link rel="stylesheet" href="/static/css/${file}">`;
      assert.ok(!html.includes(own), `${page} links ${file} itself as well as through board.css`);
    }
  }
});

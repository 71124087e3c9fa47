// Checks the layout's rules (docs/architecture.md), run by the test suite (test/layout.test.ts):
// - only src/platform/db knows the database engines and threads: no other file under src/ names a
//   dialect, SQLite, PostgreSQL, a thread or a worker (the Assistants API's "threads" permission
//   area is not about threads of execution);
// - admin/ and gateway/ never import each other; core/ imports neither, platform/ none of them
//   (migrations excepted: a data migration may read the constants it seeds, e.g. predefined roles).
// Prints each violation; exits 1 if there is any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

const ENGINE = /sqlite|postgres|dialect|thread|worker/i;
const area = (path) => relative(src, path).split('/')[0];
const FORBIDDEN = { admin: ['gateway'], gateway: ['admin'], core: ['admin', 'gateway', 'console'], platform: ['admin', 'gateway', 'core', 'console'] };

const problems = [];
for (const file of files(src)) {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  if (!rel.startsWith('src/platform/db/')) {
    text.split('\n').forEach((line, i) => {
      const cleaned = line.replaceAll("'threads'", '').replaceAll("'Threads, messages and runs'", '');
      if (ENGINE.test(cleaned)) problems.push(`${rel}:${i + 1}: names a database engine or thread outside src/platform/db: ${line.trim()}`);
    });
  }
  const from = area(file);
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
    const target = relative(src, resolve(dirname(file), m[1])).split('/')[0];
    if (rel.startsWith('src/platform/db/migrations/')) continue;
    if ((FORBIDDEN[from] ?? []).includes(target)) problems.push(`${rel}: ${from}/ imports ${target}/ (${m[1]})`);
  }
}
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);

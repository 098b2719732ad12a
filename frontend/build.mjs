// Builds the chat page into frontend/dist: the page's own files plus the pinned npm libraries it uses.
// Uses only the machine's Node; installs the root package-lock's packages with `npm ci` when they are missing.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(here, 'dist');
// The page imports these by relative path; their source maps come along so browser tools find them.
const vendor = {
  'marked.esm.js': 'node_modules/marked/lib/marked.esm.js',
  'marked.esm.js.map': 'node_modules/marked/lib/marked.esm.js.map',
  'purify.es.mjs': 'node_modules/dompurify/dist/purify.es.mjs',
  'purify.es.mjs.map': 'node_modules/dompurify/dist/purify.es.mjs.map',
};

if (!Object.values(vendor).every((file) => existsSync(join(root, file)))) {
  console.log('frontend: installing the pinned npm packages (npm ci)');
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'vendor'), { recursive: true });
cpSync(join(here, 'src'), dist, { recursive: true });
for (const [name, file] of Object.entries(vendor)) {
  cpSync(join(root, file), join(dist, 'vendor', name));
}
console.log(`frontend: page written to ${dist}`);

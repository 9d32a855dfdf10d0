// The console's build: root is web/, output web/dist (served by `chorus serve`). In development
// `npx vite web` proxies /api to a `chorus serve` on the default port.
//
// For phones on slow networks (issue 7 item 29): every page but the leader's is its own chunk
// (React.lazy in src/app.tsx); file names carry a content hash, so the server lets browsers keep
// /assets/* for a year (src/server/console.ts); each text file is written brotli- and
// gzip-compressed next to itself (x.js.br, x.js.gz), which the server sends to browsers that
// accept them; and `leader.html` is index.html plus a preload of the leader's open tasks, which
// the server answers for /leader.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { OPEN_TASKS_URL } from './src/pages/leader/urls.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(root, 'dist');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** After the build: leader.html, then a .br and a .gz beside every text file worth compressing. */
function phoneFriendly(): Plugin {
  return {
    name: 'chorus-phone-friendly',
    apply: 'build',
    closeBundle() {
      const index = readFileSync(join(outDir, 'index.html'), 'utf8');
      const preload = `<link rel="preload" href="${OPEN_TASKS_URL.replaceAll('&', '&amp;')}" as="fetch" crossorigin>`;
      writeFileSync(join(outDir, 'leader.html'), index.replace('</head>', `    ${preload}\n  </head>`));
      for (const file of files(outDir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 512) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), phoneFriendly()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': 'http://127.0.0.1:8787' } },
});

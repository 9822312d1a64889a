// Serves the built web app (web/app, built by Vite into dist/web) at `/`: index.html and its hashed assets, under a
// content security policy that lets the page talk to this server only. The app itself calls the public API.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { shipped } from '../../core/paths.js';
import { ROLES } from '../auth.js';
import { httpError } from '../problem.js';
import type { RoutePlugin } from './plugin.js';

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
  json: 'application/json',
};

/** Nothing outside this server: scripts, styles, images, fonts and API calls all come from 'self'. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function webRoot(): string {
  return process.env.MOSAIC_WEB_DIR ?? shipped('dist', 'web');
}

export const webAppPlugin: RoutePlugin = {
  name: 'webapp',
  register(app) {
    const dir = webRoot();
    const open = { access: { roles: ROLES } };
    const notBuilt = () =>
      httpError(404, 'webapp.not_built', `the web app is not built in ${dir}: run npm run build`);
    app.get('/', { config: open, schema: { hide: true } }, async (_req, reply) => {
      const file = join(dir, 'index.html');
      if (!existsSync(file)) throw notBuilt();
      return reply
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(readFileSync(file));
    });
    app.get(
      '/assets/:file',
      {
        config: open,
        schema: { hide: true, params: z.object({ file: z.string().regex(/^[\w-]+(\.[\w-]+)*$/) }) },
      },
      async (req, reply) => {
        const name = req.params.file;
        const ext = name.slice(name.lastIndexOf('.') + 1);
        const file = join(dir, 'assets', name);
        if (!TYPES[ext] || !existsSync(file))
          throw httpError(404, 'webapp.no_asset', `no asset ${name}`, { path: ['params', 'file'] });
        // Vite names every asset by its content hash, so a name never changes meaning.
        return reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .type(TYPES[ext])
          .send(readFileSync(file));
      },
    );
  },
};

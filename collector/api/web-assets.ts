/**
 * Serves the built console (dist/web, made by `npm run build`) at `/` on the API port — same origin as the API, so
 * the session cookie and CSRF rules hold. Files with a content hash in their name are cached for a year; index.html
 * never. A strict Content-Security-Policy: nothing is loaded from anywhere but this server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

export const CONSOLE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The directory holding index.html: dist/web next to the compiled collector, or the repository's dist/web. */
export function findConsoleDir(candidates = [fileURLToPath(new URL('../../web', import.meta.url)), fileURLToPath(new URL('../../dist/web', import.meta.url))]): string | null {
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

export function createWebAssetsRouter(dir: string): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('content-security-policy', CONSOLE_CSP);
    res.set('x-content-type-options', 'nosniff');
    res.set('referrer-policy', 'no-referrer');
    next();
  });
  router.use(
    express.static(dir, {
      index: 'index.html',
      setHeaders(res, path) {
        res.set('cache-control', /\.[0-9A-Z]{8}\.(js|css)$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  return router;
}

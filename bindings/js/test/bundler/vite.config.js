// Production build of test/bundler/ as a web developer would make it.
export default {
  root: new URL('.', import.meta.url).pathname,
  logLevel: 'error',
  base: './',
  build: { outDir: new URL('../../../../build/vite-page', import.meta.url).pathname, emptyOutDir: true },
  worker: { format: 'es' },
  // The package as npm would install it: scripts/build-js.sh generates it into build/npm.
  resolve: {
    alias: { '@witk/compress-stringify': new URL('../../../../build/npm/compress-stringify/index.js', import.meta.url).pathname },
  },
};

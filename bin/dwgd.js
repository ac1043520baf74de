#!/usr/bin/env node
// Starts the compiled CLI (compiled by `npm ci` through the `prepare` script, scripts/build.mjs).
// Before that, or without the runtime dependencies, one line says what is missing, exit 2.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
const checkout = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '');

function stop(line) {
  process.stderr.write(`error: ${line}\n`);
  process.exit(2);
}

if (!existsSync(main)) stop(`dwgd is not compiled yet (no dist/ in ${checkout}): run \`npm ci\` there first`);
let cli;
try {
  cli = await import(main.href);
} catch (e) {
  const missing = e?.code === 'ERR_MODULE_NOT_FOUND' && /Cannot find package '([^']+)'/.exec(e.message);
  if (!missing) throw e;
  stop(`the package ${missing[1]}, which dwgd needs, is not installed in ${checkout}: run \`npm ci\` there`);
}
cli.main(process.argv).then((code) => {
  process.exitCode = code;
});

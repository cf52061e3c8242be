#!/usr/bin/env node
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { loadRecordings } from '../replay/recording.js';
import { ReplayServer } from '../replay/server.js';
import { VERSION } from '../version.js';
import { runDemo } from './demo.js';
import { printPrices } from './prices.js';

const USAGE = `Usage: tokenmeter <command> [options]

Commands:
  demo [--interactions N]     Run the example service's features against
                              recorded responses and print the cost of each
                              feature per interaction (default N: 5). Needs
                              the openai and @anthropic-ai/sdk packages.
  replay [--port P] [--dir D] Serve recorded provider responses on
                              127.0.0.1:P (default 8787) from folder D
                              (default: the demo's recordings), for
                              pointing OPENAI_BASE_URL or ANTHROPIC_BASE_URL
                              at while trying an instrumented service.
                              Each request is printed with the recording
                              that answered it.
  prices <model> [--provider P]
                              Print the prices tokenmeter applies to a
                              model, in USD per million tokens, from the
                              price file named in TOKENMETER_PRICES_FILE,
                              then the bundled catalog.
  --version                   Print tokenmeter's version.
`;

// dist/cli.js sits one folder below the package root.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  switch (command) {
    case 'demo':
      return demo(rest);
    case 'replay':
      return replay(rest);
    case 'prices':
      return printPrices(rest, {
        out: (line) => console.log(line),
        error: (line) => console.error(line),
      });
    case 'version':
    case '--version':
    case '-v':
      console.log(VERSION);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 1;
  }
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { interactions: { type: 'string', default: '5' } },
  });
  const interactions = Number(values.interactions);
  if (!Number.isInteger(interactions) || interactions < 1) {
    console.error(
      `Invalid --interactions "${values.interactions}": expected a whole number of 1 or more.`,
    );
    return 1;
  }

  try {
    await runDemo({
      root: ROOT,
      interactions,
      env: process.env,
      print: (line) => console.log(line),
    });
  } catch (error) {
    if (!isMissingSdk(error)) {
      throw error;
    }
    console.error(
      'The demo runs the example service, which needs the openai and ' +
        '@anthropic-ai/sdk packages. Run it from a clone of tokenmeter ' +
        '(npm ci && npm run demo), or install both packages next to it.',
    );
    return 1;
  }
  return 0;
}

async function replay(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8787' },
      dir: { type: 'string', default: join(ROOT, 'examples', 'recordings') },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid --port "${values.port}": expected 0 to 65535.`);
    return 1;
  }

  const server = new ReplayServer({
    recordings: loadRecordings(values.dir),
    keepReceived: false,
    onRequest: (request) => {
      console.log(
        `${request.method} ${request.path} -> ${request.recording ?? 'no recording matches (404)'}`,
      );
    },
  });
  const origin = await server.start(port);
  console.log(
    `Replaying the recordings in ${values.dir} on ${origin}\n` +
      `  OPENAI_BASE_URL=${origin}/v1 OPENAI_API_KEY=replay\n` +
      `  ANTHROPIC_BASE_URL=${origin} ANTHROPIC_API_KEY=replay\n` +
      'Press Ctrl+C to stop.',
  );
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop);
    process.once('SIGTERM', resolveStop);
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    if (isUsageError(error)) {
      console.error(`\n${USAGE}`);
    }
    process.exitCode = 1;
  },
);

/** Tells whether an import failed because an SDK is not installed. */
function isMissingSdk(error: unknown): boolean {
  const { code, message } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
  };
  return (
    code === 'ERR_MODULE_NOT_FOUND' &&
    typeof message === 'string' &&
    /'(openai|@anthropic-ai\/sdk)'/.test(message)
  );
}

/** Tells whether parseArgs rejected the command line. */
function isUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

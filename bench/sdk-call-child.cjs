// One process of the SDK call benchmark. It sets up one instrumentation,
// or the floor's hand-written span, and makes the same OpenAI call again
// and again against the replay server, in blocks with the instrumentation
// on and off. It prints the CPU time the instrumentation adds per call.
//
//   node sdk-call-child.cjs <config> <openai folder> <base URL> <calls> <stream> <pairs>
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');

const [config, openaiFolder, baseURL, callsText, streamText, pairsText] =
  process.argv.slice(2);
const calls = Number(callsText);
const pairs = Number(pairsText);
const stream = streamText === 'stream';
const root = join(__dirname, '..');
const fromRoot = createRequire(join(root, 'package.json'));
const fromPeers = createRequire(
  join(root, 'test', 'fixtures', 'peers', 'package.json'),
);
const fromBenchPeers = createRequire(join(__dirname, 'peers', 'package.json'));
const fromOpenai = createRequire(join(openaiFolder, 'package.json'));

const { context, trace } = fromRoot('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = fromRoot(
  '@opentelemetry/context-async-hooks',
);
const { SimpleSpanProcessor, TracerProvider } = fromRoot(
  '@opentelemetry/sdk-trace',
);
const { MeterProvider } = fromRoot('@opentelemetry/sdk-metrics');
const { registerInstrumentations } = fromRoot('@opentelemetry/instrumentation');
const tokenmeter = fromRoot('tokenmeter');

const {
  QuietReader,
  createSwitch,
  runMain,
  timePairedCalls,
} = require('./child-support.cjs');

let spans = 0;
const counting = {
  export(batch, done) {
    spans += batch.filter(
      (span) => span.attributes['gen_ai.request.model'] !== undefined,
    ).length;
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};

// Every configuration runs the same pipeline: the cost processor, which
// prices whatever GenAI span the instrumentation makes, and an exporter.
const meterProvider = new MeterProvider({ readers: [new QuietReader()] });
const provider = new TracerProvider({
  spanProcessors: [
    new tokenmeter.CostSpanProcessor({ meterProvider }),
    new SimpleSpanProcessor({ exporter: counting }),
  ],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);

function instrument() {
  switch (config) {
    case 'floor':
      return;
    case 'tokenmeter-no-breakdown':
      process.env.TOKENMETER_BREAKDOWN = 'off';
      return registerInstrumentations({
        instrumentations: [new tokenmeter.OpenAIInstrumentation()],
      });
    case 'tokenmeter':
      return registerInstrumentations({
        instrumentations: [new tokenmeter.OpenAIInstrumentation()],
      });
    case 'contrib': {
      const { OpenAIInstrumentation } = fromPeers(
        '@opentelemetry/instrumentation-openai',
      );
      return registerInstrumentations({
        instrumentations: [new OpenAIInstrumentation()],
      });
    }
    case 'traceloop': {
      const { OpenAIInstrumentation } = fromPeers(
        '@traceloop/instrumentation-openai',
      );
      return registerInstrumentations({
        instrumentations: [new OpenAIInstrumentation()],
      });
    }
    case 'openlit':
      return;
    default:
      throw new Error(`Unknown configuration ${config}`);
  }
}

instrument();
const openaiModule = fromOpenai('openai');
if (config === 'openlit') {
  patchWithOpenlit(openaiModule);
}

/**
 * Patches openai with OpenLIT's instrumentation on the shared pipeline.
 * openlit.init() would start a pipeline of its own and fetch a price list
 * from the network, so its configuration is set directly, with an empty
 * price list, and no prompt content captured, like tokenmeter.
 */
function patchWithOpenlit(moduleExports) {
  const openlitRoot = join(dirname(fromBenchPeers.resolve('openlit')), '..');
  const load = (path) => require(join(openlitRoot, 'dist', ...path)).default;
  const OpenlitConfig = load(['config.js']);
  OpenlitConfig.updateConfig({
    applicationName: 'bench',
    tracer: provider,
    captureMessageContent: false,
    disableMetrics: true,
    disableEvents: true,
    pricingJson: {},
  });
  OpenlitConfig.pricingInfo = {};
  const OpenlitOpenAI = load(['instrumentation', 'openai', 'index.js']);
  const instrumentation = new OpenlitOpenAI();
  instrumentation.setTracerProvider(provider);
  instrumentation.manualPatch(moduleExports);
}

const OpenAI = openaiModule.OpenAI ?? openaiModule.default ?? openaiModule;
const client = new OpenAI({ baseURL, apiKey: 'bench', maxRetries: 0 });
const tracer = trace.getTracer('floor');
const request = {
  model: 'gpt-4o-mini',
  messages: [
    {
      role: 'user',
      content: 'Answer in up to 3 words: Which ocean contains Bouvet Island?',
    },
  ],
  ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
};

async function callOnce() {
  const result = await client.chat.completions.create(request);
  if (stream) {
    for await (const _ of result) {
      // Read to the end, as an app does.
    }
  }
}

// The floor switches its own span on and off, and an instrumentation its
// wrapper of `create`.
let floorOn = false;
const switchTo =
  config === 'floor'
    ? (on) => {
        floorOn = on;
      }
    : createSwitch(OpenAI.Chat.Completions.prototype, config);

/** The floor: one hand-written active span around each call. */
function call() {
  if (!floorOn) {
    return callOnce();
  }
  return tracer.startActiveSpan(
    'chat gpt-4o-mini',
    { attributes: { 'gen_ai.request.model': 'gpt-4o-mini' } },
    (span) => callOnce().finally(() => span.end()),
  );
}

runMain(() =>
  timePairedCalls({
    call,
    switchTo,
    calls,
    pairs,
    count: () => spans,
    result: () => ({ config }),
    shutdown: () => provider.shutdown(),
  }),
);

// One process of the prompt breakdown benchmark. It sets up tokenmeter
// and makes the same OpenAI chat call again and again with a fetch that
// returns a recorded response at once, in blocks with the instrumentation on
// and off, and prints the CPU time it adds per call. Without a network,
// what is timed is the SDK and tokenmeter.
//
//   node prepare-child.cjs <config> <prompt> <calls> <pairs>
//
// config: chars | tokens (the breakdown mode), each with the same budget;
// prompt: typical | long
const { join } = require('node:path');
const { readFileSync } = require('node:fs');

const [config, promptName, callsText, pairsText] = process.argv.slice(2);
const calls = Number(callsText);
const pairs = Number(pairsText);
const root = join(__dirname, '..');
if (config === 'tokens') {
  process.env.TOKENMETER_BREAKDOWN = 'exact';
}

const { context, trace } = require('@opentelemetry/api');
const {
  AsyncLocalStorageContextManager,
} = require('@opentelemetry/context-async-hooks');
const {
  SimpleSpanProcessor,
  TracerProvider,
} = require('@opentelemetry/sdk-trace');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const tokenmeter = require('tokenmeter');

const {
  QuietReader,
  createSwitch,
  runMain,
  timePairedCalls,
} = require('./child-support.cjs');

// Spans whose prompt was sized in the unit of the configuration.
const unit = config === 'tokens' ? 'tokens' : 'chars';
let spans = 0;
const meterProvider = new MeterProvider({ readers: [new QuietReader()] });
const provider = new TracerProvider({
  spanProcessors: [
    new tokenmeter.CostSpanProcessor({ meterProvider }),
    new SimpleSpanProcessor({
      exporter: {
        export(batch, done) {
          spans += batch.filter(
            (span) => span.attributes['tokenmeter.prompt.size_unit'] === unit,
          ).length;
          done({ code: 0 });
        },
        shutdown: () => Promise.resolve(),
      },
    }),
  ],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);

registerInstrumentations({
  instrumentations: [new tokenmeter.OpenAIInstrumentation()],
});
// The budget of the README's example: a check on every call, that the
// prompt's estimate settles without counting its tokens.
tokenmeter.configureBudgets([
  {
    feature: '*',
    mode: 'observe',
    maxInputTokensPerCall: 8000,
    maxCostPerInteraction: 1,
  },
]);

const { OpenAI } = require('openai');
const recorded = JSON.parse(
  readFileSync(
    join(root, 'test', 'fixtures', 'recordings', 'openai--chat.json'),
    'utf8',
  ),
).exchanges[0].response;
const body = JSON.stringify(recorded.body);
const client = new OpenAI({
  apiKey: 'bench',
  maxRetries: 0,
  fetch: async () =>
    new Response(body, {
      status: 200,
      headers: { 'content-type': 'application/json' },
    }),
});

// Words of ordinary English length, so that 50,000 of them make a prompt
// of the size a pasted document has (about 300 KB).
const WORDS =
  'the service returned an error when the request timed out after retries were exhausted'.split(
    ' ',
  );
function words(count) {
  const out = [];
  for (let index = 0; index < count; index++) {
    out.push(WORDS[index % WORDS.length]);
  }
  return out.join(' ');
}

/** A support chat call: system prompt, retrieved context, history, a tool. */
function typicalRequest() {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: words(300) },
      { role: 'user', content: words(40) },
      { role: 'assistant', content: words(80) },
      tokenmeter.markContext({ role: 'user', content: words(600) }),
      { role: 'user', content: words(30) },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'lookup_order',
          description: 'Looks up an order by its number.',
          parameters: {
            type: 'object',
            properties: { number: { type: 'string' } },
            required: ['number'],
          },
        },
      },
    ],
  };
}

function longRequest() {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: words(300) },
      { role: 'user', content: `Summarise this document:\n\n${words(50_000)}` },
    ],
  };
}

const request = promptName === 'long' ? longRequest() : typicalRequest();
const call = () =>
  tokenmeter.withInteraction({ feature: 'support-chat' }, () =>
    client.chat.completions.create(request),
  );

const switchTo = createSwitch(OpenAI.Chat.Completions.prototype, 'tokenmeter');

runMain(async () => {
  // The exact mode loads its tokenizer in the background on first use.
  await call();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await timePairedCalls({
    call,
    switchTo,
    calls,
    pairs,
    count: () => spans,
    result: () => ({ config }),
    shutdown: () => provider.shutdown(),
  });
});

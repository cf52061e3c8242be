// One process of the heap benchmark: runs interactions through a span
// pipeline and prints the heap before and after, each measured after a
// full garbage collection. Run with --expose-gc.
//
//   node --expose-gc heap-child.cjs <processor> <interactions> <ending>
//
// processor: noop | tokenmeter; ending: ended (each interaction's span
// ends) | never (the request span of each interaction never ends)
const { context, trace, SpanKind } = require('@opentelemetry/api');
const {
  AsyncLocalStorageContextManager,
} = require('@opentelemetry/context-async-hooks');
const {
  NoopSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
} = require('@opentelemetry/sdk-trace');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const tokenmeter = require('tokenmeter');

const { GEN_AI_CALL, QuietReader, runMain } = require('./child-support.cjs');

const [processorName, countText, ending] = process.argv.slice(2);
const interactions = Number(countText);

const meterProvider = new MeterProvider({ readers: [new QuietReader()] });
const processor =
  processorName === 'tokenmeter'
    ? new tokenmeter.CostSpanProcessor({ meterProvider })
    : new NoopSpanProcessor();
const provider = new TracerProvider({
  spanProcessors: [
    processor,
    new SimpleSpanProcessor({
      exporter: {
        export: (_spans, done) => done({ code: 0 }),
        shutdown: () => Promise.resolve(),
      },
    }),
  ],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
const tracer = provider.getTracer('bench');

const FEATURES = ['support-chat', 'ask-docs', 'summarise', 'agent'];

/** One user request: a server span with two model calls under it. */
function interaction(index) {
  const request = tracer.startSpan('POST /chat', { kind: SpanKind.SERVER });
  const parent = trace.setSpan(context.active(), request);
  const feature = FEATURES[index % FEATURES.length];
  for (let call = 0; call < 2; call++) {
    tracer
      .startSpan(
        'chat gpt-4o-mini',
        {
          kind: SpanKind.CLIENT,
          attributes: { ...GEN_AI_CALL, 'tokenmeter.feature': feature },
        },
        parent,
      )
      .end();
  }
  if (ending === 'ended') {
    request.end();
  }
}

async function settle() {
  // Lets the exporter's promises resolve, then collects twice.
  await new Promise((resolve) => setTimeout(resolve, 50));
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

async function main() {
  // Warm up so that code, caches and series exist before the baseline.
  for (let index = 0; index < 20_000; index++) {
    interaction(index);
  }
  const before = await settle();
  const batch = 10_000;
  for (let done = 0; done < interactions; done += batch) {
    for (
      let index = done;
      index < Math.min(done + batch, interactions);
      index++
    ) {
      interaction(index);
    }
    // Yields between batches, as a server does between requests.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const after = await settle();
  await provider.shutdown();
  process.stdout.write(JSON.stringify({ before, after, interactions }));
}

runMain(main);

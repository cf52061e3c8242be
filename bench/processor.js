// The cost of CostSpanProcessor per span, against the same span pipeline
// with a no-op processor in its place: spans that are not GenAI, spans
// inside an interaction, and GenAI spans that get priced.
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  NoopSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { CostSpanProcessor, withInteraction } from 'tokenmeter';

import { compare, settings } from './lib.js';

// Spans made per timed iteration, so that the timer's own cost is spread.
const SPANS_PER_ITERATION = 100;

const discard = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};

class QuietReader extends MetricReader {
  onForceFlush() {
    return Promise.resolve();
  }
  onShutdown() {
    return Promise.resolve();
  }
}

/** A tracer whose pipeline is `processor` then an exporting processor. */
function tracerWith(processor) {
  const provider = new TracerProvider({
    spanProcessors: [processor, new SimpleSpanProcessor({ exporter: discard })],
  });
  return provider.getTracer('bench');
}

const PLAIN = { 'http.request.method': 'GET', 'http.route': '/items/:id' };
const GEN_AI = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
  'gen_ai.usage.input_tokens': 1200,
  'gen_ai.usage.cache_read.input_tokens': 1024,
  'gen_ai.usage.output_tokens': 300,
};

function spans(tracer, name, attributes, kind) {
  return () => {
    for (let index = 0; index < SPANS_PER_ITERATION; index++) {
      tracer.startSpan(name, { kind, attributes }).end();
    }
  };
}

function spansInInteraction(tracer) {
  return () =>
    withInteraction({ feature: 'bench' }, () =>
      spans(tracer, 'SELECT items', PLAIN, SpanKind.CLIENT)(),
    );
}

function perSpan(result) {
  return {
    ...result,
    baselineNs: result.baselineNs / SPANS_PER_ITERATION,
    candidateNs: result.candidateNs / SPANS_PER_ITERATION,
    addedNs: result.addedNs / SPANS_PER_ITERATION,
  };
}

export async function run(options = settings()) {
  context.setGlobalContextManager(
    new AsyncLocalStorageContextManager().enable(),
  );
  const meterProvider = new MeterProvider({ readers: [new QuietReader()] });
  const baseline = tracerWith(new NoopSpanProcessor());
  const candidate = tracerWith(new CostSpanProcessor({ meterProvider }));
  // withInteraction starts its span on the global tracer provider.
  trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new NoopSpanProcessor()] }),
  );

  const results = [];
  results.push(
    perSpan(
      await compare(
        'span that is not GenAI',
        spans(baseline, 'GET /items/:id', PLAIN, SpanKind.SERVER),
        spans(candidate, 'GET /items/:id', PLAIN, SpanKind.SERVER),
        options,
      ),
    ),
  );
  results.push(
    perSpan(
      await compare(
        'span that is not GenAI, inside an interaction',
        spansInInteraction(baseline),
        spansInInteraction(candidate),
        options,
      ),
    ),
  );
  results.push(
    perSpan(
      await compare(
        'GenAI span, priced',
        spans(baseline, 'chat gpt-4o-mini', GEN_AI, SpanKind.CLIENT),
        spans(candidate, 'chat gpt-4o-mini', GEN_AI, SpanKind.CLIENT),
        options,
      ),
    ),
  );
  await meterProvider.shutdown();
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}

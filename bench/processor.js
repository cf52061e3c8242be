// The cost of CostSpanProcessor per span, against the same span pipeline
// with a no-op processor in its place: spans that are not GenAI, spans
// inside an interaction, and GenAI spans that get priced.
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  NoopSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { CostSpanProcessor, withInteraction } from 'tokenmeter';

import support from './child-support.cjs';
import { compare, settings } from './lib.js';

const { GEN_AI_CALL, QuietReader } = support;

// Spans made per timed iteration, so that the timer's own cost is spread.
const SPANS_PER_ITERATION = 100;

const discard = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};

/** A tracer whose pipeline is `processor` then an exporting processor. */
function tracerWith(processor) {
  const provider = new TracerProvider({
    spanProcessors: [processor, new SimpleSpanProcessor({ exporter: discard })],
  });
  return provider.getTracer('bench');
}

const PLAIN = { 'http.request.method': 'GET', 'http.route': '/items/:id' };
const GEN_AI = GEN_AI_CALL;

function spans(tracer, name, attributes, kind) {
  return () => {
    for (let index = 0; index < SPANS_PER_ITERATION; index++) {
      tracer.startSpan(name, { kind, attributes }).end();
    }
  };
}

/**
 * GenAI spans as an app makes them: children of the span of the request
 * that made them, which ends after them and closes the interaction.
 * SPANS_PER_ITERATION model calls, `callsPerRequest` to a request.
 */
function callsInRequests(tracer, callsPerRequest) {
  return () => {
    for (let made = 0; made < SPANS_PER_ITERATION; made += callsPerRequest) {
      const request = tracer.startSpan('POST /chat', {
        kind: SpanKind.SERVER,
        attributes: PLAIN,
      });
      const parent = trace.setSpan(context.active(), request);
      for (let index = 0; index < callsPerRequest; index++) {
        tracer
          .startSpan(
            'chat gpt-4o-mini',
            { kind: SpanKind.CLIENT, attributes: GEN_AI },
            parent,
          )
          .end();
      }
      request.end();
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
  const withoutTokenUsage = tracerWith(
    new CostSpanProcessor({ meterProvider, recordTokenUsage: false }),
  );
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
        'GenAI span, priced (100 calls to a request)',
        callsInRequests(baseline, 100),
        callsInRequests(candidate, 100),
        options,
      ),
    ),
  );
  results.push(
    perSpan(
      await compare(
        'GenAI span, priced, without gen_ai.client.token.usage',
        callsInRequests(baseline, 100),
        callsInRequests(withoutTokenUsage, 100),
        options,
      ),
    ),
  );
  results.push(
    perSpan(
      await compare(
        'GenAI span, priced (1 call to a request, which ends an interaction)',
        callsInRequests(baseline, 1),
        callsInRequests(candidate, 1),
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

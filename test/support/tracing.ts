import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

/** An in-memory trace pipeline for one test file. */
export interface TestTracing {
  provider: TracerProvider;
  exporter: InMemorySpanExporter;
  /** Ended spans, oldest first. */
  spans(): ReadableSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * Sets up a tracer provider that keeps ended spans in memory, with the
 * given processors ahead of the exporting one, and registers it, an
 * AsyncLocalStorage context manager and the baggage propagator globally.
 * Works with the OpenTelemetry JS SDK 2.x and 3.x lines, whose
 * `@opentelemetry/sdk-trace` package takes options objects in both.
 */
export function setupTracing(processors: SpanProcessor[] = []): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [...processors, new SimpleSpanProcessor({ exporter })],
  });

  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CBaggagePropagator());

  return {
    provider,
    exporter,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

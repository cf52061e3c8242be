import { aiSdkDialect } from './dialects/ai-sdk.js';
import type { GenAiDialect } from './dialects/dialect.js';
import { openInferenceDialect } from './dialects/openinference.js';
import { openLlmetryDialect } from './dialects/openllmetry.js';
import { semconvDialect } from './dialects/semconv.js';
import type { AttributeMap, CallReading } from './types.js';

// Tried in order, and the first dialect that matches reads the span. The
// conventions come first because most spans with usage use them. The AI
// SDK and OpenLLMetry reuse some of the conventions' names with another
// meaning, so the semconv dialect leaves their spans to their dialects.
const DIALECTS: readonly GenAiDialect[] = [
  semconvDialect,
  openLlmetryDialect,
  openInferenceDialect,
  aiSdkDialect,
];

/**
 * Reads the model call a span describes from its attributes, whichever
 * instrumentation wrote them. Takes a plain attribute map, so the same code
 * reads spans in process, spans received over OTLP and spans from files.
 * `scope` is the name of the span's instrumentation scope, where known,
 * which identifies instrumentations that share their names with others.
 */
export function readGenAiCall(
  attributes: AttributeMap,
  scope?: string,
): CallReading {
  for (const dialect of DIALECTS) {
    if (dialect.matches(attributes, scope)) {
      return dialect.read(attributes, scope);
    }
  }
  return { kind: 'none' };
}

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

// Most spans are not model calls; one look for any dialect's markers
// passes them over.
const MARKERS = [...new Set(DIALECTS.flatMap((dialect) => dialect.markers))];
const NONE: CallReading = Object.freeze({ kind: 'none' });

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
  if (!hasAny(attributes, MARKERS)) {
    return NONE;
  }
  for (const dialect of DIALECTS) {
    if (dialect.matches(attributes, scope)) {
      return dialect.read(attributes, scope);
    }
  }
  return NONE;
}

function hasAny(attributes: AttributeMap, names: readonly string[]): boolean {
  for (const name of names) {
    if (attributes[name] !== undefined) {
      return true;
    }
  }
  return false;
}

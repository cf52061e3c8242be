/** The parts of the SDK's `ApiClient` that the instrumentation reads. */
export interface ApiClientShape {
  /** True when the client sends to Vertex AI, not the Gemini Developer API. */
  isVertexAI?: () => unknown;
  /** The client's base URL, such as `https://generativelanguage.googleapis.com/`. */
  getBaseUrl?: () => unknown;
}

/** A `Models` instance, such as `ai.models`. */
export interface ModelsInstance {
  apiClient?: ApiClientShape;
}

/** A method of `Models` that sends one request to the model. */
export type GenerateMethod = (
  this: ModelsInstance,
  ...args: unknown[]
) => unknown;

/**
 * The prototype of the `Models` class, which the instrumentation patches.
 * `generateContent` and `generateContentStream` are instance fields
 * (arrow functions the constructor assigns), so they cannot be patched on
 * the prototype. In @google/genai 2.0.0, 2.32.0 and 3.3.0, both send each
 * request, including each automatic function calling round and each
 * continuation, through these two prototype methods.
 */
export interface ModelsPrototype {
  generateContentInternal: GenerateMethod;
  generateContentStreamInternal: GenerateMethod;
}

/** The parts of an @anthropic-ai/sdk client that the instrumentation reads. */
export interface AnthropicClientShape {
  baseURL?: unknown;
  /**
   * The client's own OpenTelemetry tracer, in @anthropic-ai/sdk 0.134 and
   * later. It is undefined when the client's tracing is off (the
   * `openTelemetry: false` option or `ANTHROPIC_OPEN_TELEMETRY=false`) and in
   * earlier versions, which have no tracing.
   */
  _tracer?: unknown;
}

/** A `messages` or `beta.messages` resource of a client. */
export interface MessagesResource {
  _client?: AnthropicClientShape;
}

/** A method of a messages resource, such as `create` or `stream`. */
export type MessagesMethod = (
  this: MessagesResource,
  ...args: unknown[]
) => unknown;

/** The prototype of a `Messages` class, which the instrumentation patches. */
export interface MessagesPrototype {
  create: MessagesMethod;
  stream?: MessagesMethod;
}

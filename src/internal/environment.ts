/**
 * Environment variables read on the call path, each read once: a lookup
 * in `process.env` costs microseconds, because Node asks the operating
 * system's environment each time. Like the `OTEL_*` variables, they are
 * read at start-up, on the first call.
 */
const values = new Map<string, string | undefined>();

/** Returns the value of an environment variable as it was first read. */
export function environmentValue(name: string): string | undefined {
  if (!values.has(name)) {
    values.set(name, process.env[name]);
  }
  return values.get(name);
}

/** Forgets the values read, so that the next read sees changes (tests). */
export function forgetEnvironment(): void {
  values.clear();
}

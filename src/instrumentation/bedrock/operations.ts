/** The Bedrock Runtime operations that use tokens and are traced. */
export type Operation =
  | 'Converse'
  | 'ConverseStream'
  | 'InvokeModel'
  | 'InvokeModelWithResponseStream';

const OPERATIONS: readonly Operation[] = [
  'Converse',
  'ConverseStream',
  'InvokeModel',
  'InvokeModelWithResponseStream',
];

/** The command classes of a loaded module, by operation. */
export type CommandClasses = Map<Operation, unknown>;

/** Finds the command classes, such as `ConverseCommand`, in the exports. */
export function findCommandClasses(moduleExports: unknown): CommandClasses {
  const classes: CommandClasses = new Map();
  const exports = moduleExports as Record<string, unknown> | null | undefined;
  for (const operation of OPERATIONS) {
    const commandClass = exports?.[`${operation}Command`];
    if (typeof commandClass === 'function') {
      classes.set(operation, commandClass);
    }
  }
  return classes;
}

/**
 * Tells which traced operation a command runs, or undefined for others,
 * such as CountTokens. A command is matched by its class in the module that
 * was patched, else by its class name, for a command built from another
 * copy of the package.
 */
export function operationOf(
  command: unknown,
  classes: CommandClasses,
): Operation | undefined {
  if (typeof command !== 'object' || command === null) {
    return undefined;
  }
  for (const [operation, commandClass] of classes) {
    if (command instanceof (commandClass as new () => unknown)) {
      return operation;
    }
  }
  const name = (command as { constructor?: { name?: unknown } }).constructor
    ?.name;
  return OPERATIONS.find((operation) => name === `${operation}Command`);
}

/** Tells whether an operation returns an event stream. */
export function isStreamed(operation: Operation): boolean {
  return operation.endsWith('Stream');
}

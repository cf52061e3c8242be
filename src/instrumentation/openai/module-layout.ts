import { chatCompletions } from './chat.js';
import { embeddings } from './embeddings.js';
import type { OperationDefinition } from './internal-types.js';
import type { SdkMethod } from './patch.js';
import { responses } from './responses.js';

/** A class of the openai package whose `create` method is patched. */
export interface PatchTarget {
  /** The path to the class from the package exports, for log messages. */
  path: string;
  /** The class prototype, or undefined when the package lacks the class. */
  prototype: { create: SdkMethod } | undefined;
  definition: OperationDefinition;
}

/**
 * Finds the classes to patch in the exports of the openai package: the CJS
 * `module.exports` or the ESM namespace, which both export the client class
 * as `OpenAI`. In openai 5, 6 and 7 alike, the client class exposes the
 * resource classes as static fields (`OpenAI.Chat.Completions`,
 * `OpenAI.Responses`, `OpenAI.Embeddings`), and each client creates its
 * resources from them, so patching their prototypes covers every client,
 * including `AzureOpenAI`, which extends `OpenAI`.
 */
export function findPatchTargets(moduleExports: unknown): PatchTarget[] {
  const client =
    readProperty(moduleExports, 'OpenAI') ??
    readProperty(moduleExports, 'default');
  const completions = readProperty(readProperty(client, 'Chat'), 'Completions');

  return [
    {
      path: 'OpenAI.Chat.Completions',
      prototype: readPrototype(completions),
      definition: chatCompletions,
    },
    {
      path: 'OpenAI.Responses',
      prototype: readPrototype(readProperty(client, 'Responses')),
      definition: responses,
    },
    {
      path: 'OpenAI.Embeddings',
      prototype: readPrototype(readProperty(client, 'Embeddings')),
      definition: embeddings,
    },
  ];
}

/** Reads a property of an object or a class, or undefined for others. */
function readProperty(value: unknown, name: string): unknown {
  if (
    (typeof value !== 'object' && typeof value !== 'function') ||
    value === null
  ) {
    return undefined;
  }
  return (value as Record<string, unknown>)[name];
}

function readPrototype(
  resourceClass: unknown,
): { create: SdkMethod } | undefined {
  const prototype = readProperty(resourceClass, 'prototype');
  return typeof readProperty(prototype, 'create') === 'function'
    ? (prototype as { create: SdkMethod })
    : undefined;
}

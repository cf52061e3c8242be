import { isRecord } from '../common/attributes.js';

/**
 * The text a Gemini stream sent after its last chunk whose usage counts
 * the candidates' tokens (`candidatesTokenCount`), by candidate. Each chunk
 * repeats the usage so far, which counts the chunk's own text, but a chunk
 * may carry usage without `candidatesTokenCount`, or none at all, and
 * then its text is not counted in the last usage seen.
 */
export class UncountedText {
  private readonly texts = new Map<number, string[]>();

  /** Keeps the text of a chunk, or clears all text when the chunk counts it. */
  add(chunk: unknown): void {
    if (!isRecord(chunk)) {
      return;
    }
    if (countsCandidates(chunk.usageMetadata)) {
      this.texts.clear();
      return;
    }

    const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
    candidates.forEach((candidate: unknown, position) => {
      if (!isRecord(candidate)) {
        return;
      }
      const index =
        typeof candidate.index === 'number' ? candidate.index : position;
      this.keep(index, partTexts(candidate.content));
    });
  }

  /** Tells whether any text is left uncounted. */
  get isEmpty(): boolean {
    return this.texts.size === 0;
  }

  /** Joins the uncounted text of each candidate, thoughts included. */
  *candidateTexts(): Iterable<string> {
    for (const parts of this.texts.values()) {
      yield parts.join('');
    }
  }

  private keep(index: number, parts: string[]): void {
    if (parts.length === 0) {
      return;
    }
    const kept = this.texts.get(index) ?? [];
    kept.push(...parts);
    this.texts.set(index, kept);
  }
}

function countsCandidates(metadata: unknown): boolean {
  return (
    isRecord(metadata) && typeof metadata.candidatesTokenCount === 'number'
  );
}

/** Reads the text of each part of a candidate's content. */
function partTexts(content: unknown): string[] {
  const parts =
    isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
  const texts: string[] = [];
  for (const part of parts) {
    if (isRecord(part) && typeof part.text === 'string' && part.text !== '') {
      texts.push(part.text);
    }
  }
  return texts;
}

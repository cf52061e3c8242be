import { fileURLToPath } from 'node:url';

import {
  loadRecording,
  loadRecordings,
  type Recording,
} from '../../src/replay/recording.js';

/** The folder of recorded provider exchanges used by the tests. */
export const RECORDINGS_DIR = fileURLToPath(
  new URL('../fixtures/recordings', import.meta.url),
);

/** Loads one recording by its file name without `.json`. */
export function recording(name: string): Recording {
  return loadRecording(`${RECORDINGS_DIR}/${name}.json`);
}

/** Loads every recording. */
export function allRecordings(): Recording[] {
  return loadRecordings(RECORDINGS_DIR);
}

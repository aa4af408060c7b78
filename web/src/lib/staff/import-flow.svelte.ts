/// <reference types="svelte" />
// Importing a question file in two steps: the server checks it and shows what it read
// (dry run, nothing stored), then the person confirms and the same file is imported.
import { ApiError } from '../api/client.ts';
import type { ImportPreview, ImportRowError } from './types.ts';

export type ImportStep = 'idle' | 'checking' | 'preview' | 'invalid' | 'importing' | 'done' | 'failed';

/** The two calls, already bound to the contest. */
export interface ImportPort {
  preview(file: File): Promise<ImportPreview>;
  store(file: File): Promise<{ imported: number; total: number }>;
}

/** The per-row list of a 422 IMPORT_INVALID (row 0 = the file as a whole). */
export function rowErrorsOf(err: unknown): ImportRowError[] | undefined {
  if (!(err instanceof ApiError) || err.code !== 'IMPORT_INVALID' || !Array.isArray(err.details)) return undefined;
  return (err.details as unknown[])
    .filter((d): d is ImportRowError => !!d && typeof (d as ImportRowError).row === 'number' && typeof (d as ImportRowError).message === 'string')
    .map((d) => ({ row: d.row, message: d.message }));
}

export class ImportFlow {
  #step = $state<ImportStep>('idle');
  #file = $state.raw<File | undefined>(undefined);
  #preview = $state.raw<ImportPreview | undefined>(undefined);
  #rowErrors = $state.raw<ImportRowError[]>([]);
  #result = $state.raw<{ imported: number; total: number } | undefined>(undefined);
  #error = $state.raw<unknown>(undefined);
  #port: ImportPort;
  /** Bumped by every new file or reset, so a late answer for an older file is ignored. */
  #generation = 0;

  constructor(port: ImportPort) {
    this.#port = port;
  }

  get step(): ImportStep {
    return this.#step;
  }
  get file(): File | undefined {
    return this.#file;
  }
  get preview(): ImportPreview | undefined {
    return this.#preview;
  }
  get rowErrors(): ImportRowError[] {
    return this.#rowErrors;
  }
  get result(): { imported: number; total: number } | undefined {
    return this.#result;
  }
  get error(): unknown {
    return this.#error;
  }
  get busy(): boolean {
    return this.#step === 'checking' || this.#step === 'importing';
  }

  async choose(file: File): Promise<void> {
    const gen = ++this.#generation;
    this.#file = file;
    this.#preview = undefined;
    this.#rowErrors = [];
    this.#result = undefined;
    this.#error = undefined;
    this.#step = 'checking';
    try {
      const preview = await this.#port.preview(file);
      if (gen !== this.#generation) return;
      this.#preview = preview;
      this.#step = 'preview';
    } catch (err) {
      if (gen !== this.#generation) return;
      this.#fail(err);
    }
  }

  /** Stores the previewed file; false when there is nothing to confirm. */
  async confirm(): Promise<boolean> {
    const file = this.#file;
    if (this.#step !== 'preview' || !file) return false;
    const gen = this.#generation;
    this.#step = 'importing';
    try {
      const result = await this.#port.store(file);
      if (gen !== this.#generation) return false;
      this.#result = result;
      this.#step = 'done';
      return true;
    } catch (err) {
      if (gen !== this.#generation) return false;
      this.#fail(err);
      return false;
    }
  }

  reset(): void {
    this.#generation++;
    this.#step = 'idle';
    this.#file = undefined;
    this.#preview = undefined;
    this.#rowErrors = [];
    this.#result = undefined;
    this.#error = undefined;
  }

  #fail(err: unknown): void {
    const rows = rowErrorsOf(err);
    if (rows) {
      this.#rowErrors = rows;
      this.#step = 'invalid';
    } else {
      this.#error = err;
      this.#step = 'failed';
    }
  }
}

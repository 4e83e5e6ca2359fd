import { createInterface } from 'node:readline';

/**
 * What a person types into a terminal simulator: trimmed, non-empty lines, until `/quit` or the
 * end of the input (the reader is closed either way, also when the caller stops early).
 */
export async function* chatLines(input: NodeJS.ReadableStream = process.stdin): AsyncGenerator<string> {
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (!line) continue;
      if (line === '/quit') return;
      yield line;
    }
  } finally {
    lines.close();
  }
}

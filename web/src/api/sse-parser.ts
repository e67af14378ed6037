import type { StoredEvent } from './types';

/**
 * Server-Sent Events as the server writes them (`id:`, `event:`, `data:` lines, a blank line
 * after each event, `:` comments for keep-alive), from text that arrives in arbitrary chunks.
 */
export class SseParser {
  #buffer = '';

  /**
   * Adds a chunk of text and returns the events it completed, oldest first, and the last id
   * among them (null when none had one); an event cut by the chunk's end waits for the rest.
   */
  push(chunk: string): { events: StoredEvent[]; lastId: string | null } {
    this.#buffer += chunk.replace(/\r\n?/g, '\n');
    const blocks = this.#buffer.split('\n\n');
    this.#buffer = blocks.pop() ?? '';
    const events: StoredEvent[] = [];
    let lastId: string | null = null;
    for (const block of blocks) {
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('id:')) lastId = line.slice(3).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) events.push(JSON.parse(data.join('\n')) as StoredEvent);
    }
    return { events, lastId };
  }
}

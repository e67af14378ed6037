import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser';

const event = (seq: number) => ({
  seq,
  time: '2026-03-02T09:00:00.000Z',
  type: 'coordination.work.created',
  actor: 'system',
  subject: `w${seq}`,
  payload: { title: 'a: b\nc' },
  prevHash: 'p',
  hash: 'h',
});
const frame = (seq: number) =>
  `id: ${seq}\nevent: coordination.work.created\ndata: ${JSON.stringify(event(seq))}\n\n`;

describe('SseParser', () => {
  it('reads events split anywhere across chunks, and skips keep-alive comments', () => {
    const text = `: connected\n\n${frame(1)}: keep-alive\n\n${frame(2)}`;
    for (let cut = 0; cut <= text.length; cut += 7) {
      const parser = new SseParser();
      const first = parser.push(text.slice(0, cut));
      const second = parser.push(text.slice(cut));
      expect(
        [...first.events, ...second.events].map((e) => e.seq),
        `cut at ${cut}`,
      ).toEqual([1, 2]);
      expect(second.lastId ?? first.lastId).toBe('2');
    }
  });

  it('holds an unfinished event back until its blank line arrives', () => {
    const parser = new SseParser();
    const text = frame(3);
    expect(parser.push(text.slice(0, -1)).events).toEqual([]);
    expect(parser.push('\n')).toEqual({ events: [event(3)], lastId: '3' });
  });

  it('joins multi-line data and accepts CRLF line ends', () => {
    const json = JSON.stringify(event(4), null, 2).split('\n');
    const parser = new SseParser();
    const body = `id: 4\r\n${json.map((line) => `data: ${line}`).join('\r\n')}\r\n\r\n`;
    expect(parser.push(body).events).toEqual([event(4)]);
  });
});

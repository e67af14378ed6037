import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cliInProcess, ROOT, testDir } from './cli.js';

/** The SDK's own client, connected over Streamable HTTP to `url` with an agent's bearer token. */
export async function connectMcp(url: URL, secret: string, name = 'test-agent'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { authorization: `Bearer ${secret}` } },
    }),
  );
  return client;
}

/** A tool's value: the structured result of a success, the error of a refusal. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const structured = result.structuredContent as
    { result?: unknown; error?: { code: string; message: string; details?: unknown } } | undefined;
  return { isError: result.isError === true, result: structured?.result, error: structured?.error };
}

/**
 * `autonomy mcp` as a client launches it: a database with the example organization applied, an
 * agent token for its first agent, and the SDK's client connected over stdio to a process of
 * its own. The caller closes the client.
 */
export async function launchStdioAgent(
  name: string,
): Promise<{ client: Client; db: string; agent: string; tokenId: string }> {
  const db = join(testDir(name), 'autonomy.db');
  expect(
    (await cliInProcess('--db', db, 'apply', '-f', join(ROOT, 'examples/org.yaml'))).code,
  ).toBe(0);
  const actors = JSON.parse(
    (await cliInProcess('--db', db, '--json', 'actor', 'list', '--kind', 'agent')).stdout,
  ) as { id: string }[];
  const agent = actors[0]?.id ?? '';
  const issued = JSON.parse(
    (
      await cliInProcess(
        '--db',
        db,
        '--json',
        'token',
        'create',
        '--role',
        'agent',
        '--actor',
        agent,
      )
    ).stdout,
  ) as { id: string; token: string };
  const client = new Client({ name: 'stdio-agent', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(ROOT, 'bin/autonomy.js'), '--db', db, 'mcp'],
      env: { ...process.env, AUTONOMY_TOKEN: issued.token },
      cwd: ROOT,
    }),
  );
  return { client, db, agent, tokenId: issued.id };
}

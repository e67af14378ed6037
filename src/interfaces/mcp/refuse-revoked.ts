import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCRequest,
  type JSONRPCMessage,
  type MessageExtraInfo,
} from '@modelcontextprotocol/sdk/types.js';
import { ERROR_TABLE } from '../../core/error-table.js';

/**
 * For a server that lives as long as its connection (stdio), authenticated once at start:
 * checks the token again before each request reaches the server, so a token revoked meanwhile
 * is refused from its very next request, as over HTTP. Call after `server.connect(transport)`.
 * Requests are let through in the order they came, each after its own check.
 */
export function refuseRevoked(transport: Transport, stillValid: () => Promise<boolean>): void {
  const deliver = transport.onmessage;
  if (deliver === undefined) throw new Error('connect the server to the transport first');
  let turn = Promise.resolve();
  transport.onmessage = (message: JSONRPCMessage, extra?: MessageExtraInfo) => {
    turn = turn.then(async () => {
      if (isJSONRPCRequest(message) && !(await stillValid())) {
        await transport.send({
          jsonrpc: '2.0',
          id: message.id,
          error: {
            code: ERROR_TABLE.unauthenticated.mcpCode,
            message: 'unauthenticated: the token is unknown or was revoked',
          },
        });
        return;
      }
      deliver(message, extra);
    });
  };
}

// Temporal client helpers for the API and the outbox relay.
import { Client, Connection } from '@temporalio/client';

export interface TemporalClientHandle {
  readonly client: Client;
  readonly connection: Connection;
}

/**
 * Connects a client, waiting until the namespace answers (a fresh dev server takes a moment to
 * register it).
 */
export async function connectTemporalClient(
  address: string,
  namespace: string,
  timeoutMs = 30_000,
): Promise<TemporalClientHandle> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      return { client: new Client({ connection, namespace }), connection };
    } catch (error) {
      lastError = error;
      await connection?.close();
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Temporal at ${address} (namespace ${namespace}) did not answer: ${String(lastError)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

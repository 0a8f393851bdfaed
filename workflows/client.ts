// Temporal client helpers for the API and the outbox relay.
import { Client, Connection } from '@temporalio/client';
import protos from '@temporalio/proto';

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

/**
 * Registers Baton's custom search attributes (Keyword) in the namespace when they are missing, so
 * an external Temporal cluster works without a set-up job; the dev server gets them as flags.
 * @example await ensureSearchAttributes(handle, 'default', ['BatonSpace', 'BatonFlow'])
 */
export async function ensureSearchAttributes(
  handle: TemporalClientHandle,
  namespace: string,
  names: readonly string[],
): Promise<void> {
  const listed = await handle.connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(listed.customAttributes ?? {}));
  const missing = names.filter((name) => !known.has(name));
  if (missing.length === 0) return;
  try {
    await handle.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((name) => [
          name,
          protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        ]),
      ),
    });
  } catch (error) {
    // Flow starts carry these attributes: without them Temporal refuses every start.
    throw new Error(
      `cannot register the search attributes ${missing.join(', ')} in namespace ${namespace} ` +
        `(register them as Keyword with \`temporal operator search-attribute create\`): ${String(error)}`,
      { cause: error },
    );
  }
}

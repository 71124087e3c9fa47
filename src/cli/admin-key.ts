import { createRecoveryAdminKey } from '../core/bootstrap/service.js';
import { openCore } from './common.js';

/**
 * Creates an admin API key owned by an organization owner, for recovery when no admin key is left:
 * prints the key once on stdout (nothing else goes there), audited as `api_key.created`.
 */
export async function createAdminKey(options: { name: string; owner?: string }): Promise<void> {
  const { core, close } = await openCore();
  try {
    const key = await createRecoveryAdminKey(core, { name: options.name, ownerEmail: options.owner });
    process.stderr.write(`created admin API key ${key.id} ("${options.name}") for ${key.ownerEmail}; it is shown once, store it now:\n`);
    process.stdout.write(`${key.value}\n`);
  } finally {
    await close();
  }
}

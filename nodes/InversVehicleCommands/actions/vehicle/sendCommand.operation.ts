import type { IExecuteFunctions } from 'n8n-workflow';

import type { PreparedWrite } from '../../../shared/execution/runWrites';
import { prepareCommand } from './commandWrite';
import { resolveCommand } from './commandName';
import { sendCommandDescription } from './sendCommand.description';

/** Version 1: one operation, the command chosen in its Command dropdown (or Other, or by expression). */

export const description = sendCommandDescription;

export { concurrency, wording } from './commandWrite';

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedWrite> {
	return await prepareCommand.call(this, itemIndex, resolveCommand);
}

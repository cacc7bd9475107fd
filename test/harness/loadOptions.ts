import { LoadOptionsContext } from 'n8n-core';
import type { ILoadOptionsFunctions, INodeParameters } from 'n8n-workflow';

import type { TestCredentials } from './workflowRunner';
import { buildWorkflow } from './workflowRunner';

/** n8n-core's real context for listSearch and loadOptions methods, on a node with these parameters. */
export function loadOptionsContext(
	credentials: TestCredentials,
	nodeType = 'inversVehicleManagement',
	parameters: INodeParameters = {},
): ILoadOptionsFunctions {
	const { workflow, additionalData, node } = buildWorkflow(nodeType, parameters, credentials);
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters');
}

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { inversOneApiConnectionTest } from '../credentialTest';
import {
	actionNodeBase,
	resourceProperty,
	VEHICLE_RESOURCE,
} from '../shared/descriptions/actionNode';
import { searchVehicles } from '../shared/methods/searchVehicles';
import { router } from './actions/router';
import * as vehicle from './actions/vehicle';

export class InversVehicleManagement implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'INVERS Vehicle Management',
		name: 'inversVehicleManagement',
		icon: { light: 'file:../../icons/invers.svg', dark: 'file:../../icons/invers.dark.svg' },
		group: ['transform'],
		// A change of a parameter's name, meaning or default comes as a new version here, with
		// `@version` display options for what differs, so saved workflows keep the version they had.
		version: [1],
		defaultVersion: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Read and update the vehicles of an INVERS fleet: master data, statuses, tags, custom fields, latest state',
		defaults: { name: 'INVERS Vehicle Management' },
		usableAsTool: true,
		...actionNodeBase,
		properties: [resourceProperty([VEHICLE_RESOURCE]), ...vehicle.description],
	};

	methods = {
		credentialTest: { inversOneApiConnectionTest },
		listSearch: { searchVehicles },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

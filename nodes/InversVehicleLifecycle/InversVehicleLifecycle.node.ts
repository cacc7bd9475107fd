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
import * as vehicleModel from './actions/vehicleModel';
import { getVehicleModels } from './methods/getVehicleModels';

export class InversVehicleLifecycle implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'INVERS Vehicle Lifecycle',
		name: 'inversVehicleLifecycle',
		icon: { light: 'file:../../icons/invers.svg', dark: 'file:../../icons/invers.dark.svg' },
		group: ['transform'],
		// Version 2: "Unit Credentials" chooses which unit credential Add Vehicle sends (version 1
		// sends the one filled in). See CHANGELOG.md for what each version changed.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Add vehicles to an INVERS fleet by their telematics unit, remove (archive) them, and list the vehicle models a telematics brand supports',
		defaults: { name: 'INVERS Vehicle Lifecycle' },
		usableAsTool: true,
		...actionNodeBase,
		properties: [
			resourceProperty([VEHICLE_RESOURCE, { name: 'Vehicle Model', value: 'vehicleModel' }]),
			...vehicle.description,
			...vehicleModel.description,
		],
	};

	methods = {
		credentialTest: { inversOneApiConnectionTest },
		listSearch: { searchVehicles },
		loadOptions: { getVehicleModels },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

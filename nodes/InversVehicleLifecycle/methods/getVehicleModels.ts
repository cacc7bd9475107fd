import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchVehicleModels, vehicleModelLabel } from '../helpers/vehicleModels';

function commandsOf(model: IDataObject): string {
	const capabilities = (model.capabilities ?? {}) as IDataObject;
	const commands = Array.isArray(capabilities.commands) ? capabilities.commands : [];
	return commands.length ? `Commands: ${commands.join(', ')}` : '';
}

/** loadOptions for "Vehicle Model": the models of the brand chosen above it. */
export async function getVehicleModels(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const brand = String(this.getCurrentNodeParameter('telematicsBrand') ?? '').trim();
	// Without a brand there is nothing to ask INVERS for (the dropdown shows no options).
	if (brand === '' || brand.startsWith('=')) return [];
	const { models } = await fetchVehicleModels.call(this, brand);
	return models
		.map((model) => ({
			name: vehicleModelLabel(model),
			value: String(model.id),
			description: commandsOf(model),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

import { partDescription, partExecute } from './getVehiclePart';

/** Which commands the vehicle accepts and which state properties it reports. */
export const description = partDescription('getCapabilities');

export const execute = partExecute('capabilities');

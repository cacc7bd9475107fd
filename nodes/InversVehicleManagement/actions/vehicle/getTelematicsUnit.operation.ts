import { partDescription, partExecute } from './getVehiclePart';

/** The telematics unit built into the vehicle (ID, brand, model, manufacturer). */
export const description = partDescription('getTelematicsUnit');

export const execute = partExecute('telematics_unit');

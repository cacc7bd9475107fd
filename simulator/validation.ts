/**
 * Strict request validation, shared by update (PATCH) and add (POST). The real API rejects
 * unknown properties and bad values; so does the simulator, naming the offending field, so that a
 * package bug shows up in tests instead of against a customer's tenant.
 */
import {
	LICENSE_PLATE_MAX_LENGTH,
	MASTER_DATA_PROPERTIES,
	type MasterDataProperty,
	VIN_RULE,
} from './inversRules';
import { validationError } from './problems';
import type { CustomFieldValue } from './types';

/** Enum-like values are open lists, but always upper snake case (`OPERATING`, `ELECTRIC`). */
const ENUM_VALUE_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const ENUM_MASTER_DATA_PROPERTIES: readonly MasterDataProperty[] = [
	'fuel_type',
	'transmission',
	'vehicle_type',
];
const MAX_TEXT_LENGTH = 200;

export function requireObject(value: unknown, field: string): Record<string, unknown> {
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw validationError(field, 'must be a JSON object');
	}
	return value as Record<string, unknown>;
}

/** `prefix` is the path of `object` in the body ('' for the body itself). */
export function rejectUnknownKeys(
	object: Record<string, unknown>,
	allowed: readonly string[],
	prefix = '',
): void {
	const unknown = Object.keys(object).find((key) => !allowed.includes(key));
	if (unknown !== undefined) {
		throw validationError(
			`${prefix}${unknown}`,
			`unknown property (allowed: ${allowed.join(', ')})`,
		);
	}
}

export function requireString(value: unknown, field: string, maxLength = MAX_TEXT_LENGTH): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw validationError(field, 'must be a non-empty string');
	}
	if (value.length > maxLength) {
		throw validationError(field, `must be at most ${maxLength} characters`);
	}
	return value;
}

export function requireEnumValue(value: unknown, field: string): string {
	const text = requireString(value, field);
	if (!ENUM_VALUE_PATTERN.test(text)) {
		throw validationError(field, `'${text}' is not an upper snake case value such as OPERATING`);
	}
	return text;
}

export function validateMasterData(
	value: unknown,
	field = 'master_data',
): Partial<Record<MasterDataProperty, string>> {
	const input = requireObject(value, field);
	rejectUnknownKeys(input, MASTER_DATA_PROPERTIES, `${field}.`);
	const result: Partial<Record<MasterDataProperty, string>> = {};
	for (const key of MASTER_DATA_PROPERTIES) {
		if (input[key] === undefined) continue;
		const path = `${field}.${key}`;
		if (key === 'license_plate') {
			result[key] = requireString(input[key], path, LICENSE_PLATE_MAX_LENGTH);
		} else if (key === 'vin') {
			const vin = requireString(input[key], path);
			if (!VIN_RULE.test(vin)) {
				throw validationError(
					path,
					'must be 17 characters, digits and capital letters except I, O and Q (ISO 3779)',
				);
			}
			result[key] = vin;
		} else if (key === 'year_of_production') {
			const year = input[key];
			if (typeof year !== 'string' || !/^\d{4}$/.test(year)) {
				throw validationError(path, 'must be a four-digit year as a string, e.g. "2023"');
			}
			result[key] = year;
		} else if (ENUM_MASTER_DATA_PROPERTIES.includes(key)) {
			result[key] = requireEnumValue(input[key], path);
		} else {
			result[key] = requireString(input[key], path);
		}
	}
	return result;
}

/** Values are strings, numbers, booleans, or null (which removes the field on update). */
export function validateCustomFields(
	value: unknown,
	field = 'custom_fields',
): Record<string, CustomFieldValue | null> {
	const input = requireObject(value, field);
	for (const [key, entry] of Object.entries(input)) {
		if (key.trim() === '') throw validationError(field, 'keys must not be empty');
		const type = typeof entry;
		if (entry !== null && type !== 'string' && type !== 'number' && type !== 'boolean') {
			throw validationError(`${field}.${key}`, 'must be a string, number, boolean or null');
		}
		if (type === 'number' && !Number.isFinite(entry)) {
			throw validationError(`${field}.${key}`, 'must be a finite number');
		}
	}
	return input as Record<string, CustomFieldValue | null>;
}

export function validateTags(value: unknown, field = 'tags'): string[] {
	if (!Array.isArray(value)) throw validationError(field, 'must be an array of strings');
	value.forEach((tag, index) => requireString(tag, `${field}[${index}]`));
	return [...(value as string[])];
}

/** A status on update is an object `{ value }`. */
export function validateStatusObject(value: unknown, field: string): string {
	const input = requireObject(value, field);
	rejectUnknownKeys(input, ['value'], `${field}.`);
	return requireEnumValue(input.value, `${field}.value`);
}

/** A circle on the earth: centre in degrees (WGS 84), radius in metres. */
export interface GeoCircle {
	lat: number;
	lon: number;
	radius: number;
}

/** A latitude/longitude box, not crossing the 180th meridian. */
export interface GeoBox {
	minLat: number;
	maxLat: number;
	minLon: number;
	maxLon: number;
}

export interface GeoPoint {
	lat: number;
	lon: number;
}

/** The mean earth radius (IUGG), the usual one for haversine distances. */
const EARTH_RADIUS_METRES = 6_371_008.8;
const RADIANS = Math.PI / 180;
/** Metres per degree of latitude (and of longitude at the equator) on that sphere. */
const METRES_PER_DEGREE = EARTH_RADIUS_METRES * RADIANS;

/** The great-circle distance in metres (haversine formula: exact on a sphere, ≤ 0.5 % off WGS 84). */
export function distanceMetres(a: GeoPoint, b: GeoPoint): number {
	const dLat = (b.lat - a.lat) * RADIANS;
	const dLon = (b.lon - a.lon) * RADIANS;
	const sinLat = Math.sin(dLat / 2);
	const sinLon = Math.sin(dLon / 2);
	const h =
		sinLat * sinLat + Math.cos(a.lat * RADIANS) * Math.cos(b.lat * RADIANS) * sinLon * sinLon;
	return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function insideBox(point: GeoPoint, box: GeoBox): boolean {
	return (
		point.lat >= box.minLat &&
		point.lat <= box.maxLat &&
		point.lon >= box.minLon &&
		point.lon <= box.maxLon
	);
}

/** A distance in metres as degrees of latitude and of longitude at `latitude`. */
export function metresToDegrees(metres: number, latitude: number): { lat: number; lon: number } {
	const lat = metres / METRES_PER_DEGREE;
	const cos = Math.cos(latitude * RADIANS);
	return { lat, lon: cos > 1e-9 ? lat / cos : 360 };
}

/** `{ lat, lon }` [doc] with coordinates in range, else undefined. */
export function readPoint(value: unknown): GeoPoint | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const point = value as { lat?: unknown; lon?: unknown };
	const lat = coordinate(point.lat);
	const lon = coordinate(point.lon);
	if (lat === undefined || lon === undefined) return undefined;
	if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return undefined;
	return { lat, lon };
}

/** Read tolerantly: a number, or a number written as text. */
function coordinate(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

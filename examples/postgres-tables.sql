-- The PostgreSQL tables of the examples: run once in the database of the Postgres credential the
-- examples use ("Postgres (local)" in the sandbox), e.g. psql -h 127.0.0.1 -U postgres -f examples/postgres-tables.sql

-- Example 3, master data sync: one row per vehicle, written only by a newer modified_at.
CREATE TABLE IF NOT EXISTS invers_vehicles (
	id text PRIMARY KEY,        -- INVERS vehicle id
	license_plate text,
	vin text,
	brand text,
	model text,
	operation_status text,      -- OPERATING, GARAGE, ...
	life_status text,           -- ONLINE, OFFLINE
	rental_status text,         -- IN_RENTAL, NOT_IN_RENTAL
	tags text[],
	modified_at timestamptz
);

-- Example 8, fleet state mirror in PostgreSQL: one row per vehicle; each mirrored property keeps
-- the timestamp of its value, so a value is replaced only by a newer one.
CREATE TABLE IF NOT EXISTS invers_fleet_state (
	vehicle_id text PRIMARY KEY,
	state_of_charge_or_fuel_level_in_percent numeric,
	charge_recorded_at timestamptz,
	mileage_in_kilometers numeric,
	mileage_recorded_at timestamptz,
	position_lat double precision,
	position_lon double precision,
	position_recorded_at timestamptz,
	state_recorded_at timestamptz,    -- the newest property timestamp of the states taken
	life_status text,
	operation_status text,
	vehicle_modified_at timestamptz   -- VehicleChanged vehicle.modified_at (orders the statuses)
);

"""Apache Superset, pre-wired to the vnindustry lake (docker-compose service `superset`).

Superset keeps its own metadata in Postgres (database `superset`); the lake is registered as the
database "vnindustry lake" (deploy/superset/start.sh) with the URI flows.bi.DATABASE_URI, and each
DuckDB connection Superset opens attaches the lake read-only (flows.bi)."""
import os

from flows.bi import attach_lake_to_duckdb_connections, lake_from_env

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = os.environ["SUPERSET_DATABASE_URI"]
SQLLAB_TIMEOUT = 300
ROW_LIMIT = 50000

attach_lake_to_duckdb_connections(lake_from_env())

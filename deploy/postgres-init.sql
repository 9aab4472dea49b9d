-- The DuckLake catalog and Superset's metadata live beside Prefect's database on the same server.
CREATE DATABASE lake;
CREATE DATABASE superset;

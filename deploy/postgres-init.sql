-- The DuckLake catalog lives beside Prefect's database on the same server.
CREATE DATABASE lake;

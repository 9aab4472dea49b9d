#!/bin/sh
# Superset's first start and every start after: migrate its metadata, make the admin user (once),
# register the lake as a database (idempotent), then serve on :8088.
set -eu
superset db upgrade
superset fab create-admin --username admin --firstname vnindustry --lastname admin \
  --email admin@vnindustry.invalid --password "$SUPERSET_ADMIN_PASSWORD" || true
superset init
superset set_database_uri --database_name "vnindustry lake" \
  --uri "$(python -c 'from flows.bi import DATABASE_URI; print(DATABASE_URI)')"
exec gunicorn --bind 0.0.0.0:8088 --workers 2 --timeout 300 "superset.app:create_app()"

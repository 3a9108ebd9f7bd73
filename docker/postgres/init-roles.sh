#!/bin/sh
# Run once by the postgres image when it creates the cluster (/docker-entrypoint-initdb.d): the
# database roles of docs/operations.md, "The audit trail in production".
#
#   actionday_owner      owns the database and every table; runs the migrations (the migrate service)
#   actionday_app        web, worker, beat: reads and writes the application's tables; on the audit
#                        trail only SELECT and INSERT (narrowed after each migrate by audit_db_roles)
#   actionday_sequencer  the audit sequencer: reads the trail and fills in its chain columns, nothing else
#
# The superuser (POSTGRES_USER) is for the DBA only; no service of the application uses it.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v db="$POSTGRES_DB" \
    -v owner_password="$ACTIONDAY_OWNER_PASSWORD" \
    -v app_password="$ACTIONDAY_APP_PASSWORD" \
    -v sequencer_password="$ACTIONDAY_SEQUENCER_PASSWORD" <<'SQL'
CREATE ROLE actionday_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE actionday_app LOGIN PASSWORD :'app_password';
CREATE ROLE actionday_sequencer LOGIN PASSWORD :'sequencer_password';

ALTER DATABASE :"db" OWNER TO actionday_owner;
ALTER SCHEMA public OWNER TO actionday_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO actionday_app, actionday_sequencer;
GRANT USAGE ON SCHEMA public TO actionday_app, actionday_sequencer;

-- Every table the owner's migrations create is the app's to read and write; the audit trail is the
-- exception, and `manage.py audit_db_roles` (run by the migrate service after migrating) takes
-- UPDATE and DELETE on it back and gives the sequencer its one narrow UPDATE.
ALTER DEFAULT PRIVILEGES FOR ROLE actionday_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO actionday_app;
ALTER DEFAULT PRIVILEGES FOR ROLE actionday_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO actionday_app;
SQL

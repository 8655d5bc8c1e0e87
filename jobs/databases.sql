-- The databases a backup dumps when spec.backup.databases is empty: every
-- one that takes connections but the templates and those the psql variable
-- `skip` lists, one per line (a backend's own, such as repmgr's). One name
-- per line, escaped as sets.sh says.
SET standard_conforming_strings = on;
SELECT replace(replace(replace(replace(datname, '\', '\\'), chr(9), '\t'), chr(10), '\n'), chr(13), '\r')
FROM pg_database
WHERE datallowconn
  AND NOT datistemplate
  AND datname <> ALL (string_to_array(:'skip', chr(10)))
ORDER BY datname;

-- Every table of the connected database with its exact row count, one per
-- line: `schema.table<TAB>rows`, the name escaped as sets.sh says. The
-- backup runs it in the snapshot pg_dump read (the manifest), the drill on
-- what it restored. query_to_xml runs each count inside the calling
-- transaction, so all of them come from its snapshot.
SET standard_conforming_strings = on;
SELECT replace(replace(replace(replace(format('%I.%I', n.nspname, c.relname), '\', '\\'), chr(9), '\t'), chr(10), '\n'), chr(13), '\r')
       || chr(9)
       || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname <> 'information_schema'
  AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1;

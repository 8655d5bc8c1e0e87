# Every table of a database with its exact row count, `schema.table<TAB>rows`,
# sorted: what the backup records in a set's manifest and the drill compares.
# query_to_xml runs each count inside the calling transaction, so all come
# from its snapshot.
row_counts_sql="SELECT format('%I.%I', n.nspname, c.relname) || E'\t' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%' ORDER BY 1"

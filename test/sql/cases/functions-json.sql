# JSON functions over JSON values held as varchar: json_parse, json_format, json_extract,
# json_extract_scalar and json_array_length with Trino's JSONPath subset ($, .key, ["key"], [n]).

query json_extract_paths
select json_extract(j, '$.a'), json_extract(j, '$.a[1]'), json_extract(j, '$["b"].c'), json_extract(j, '$.missing')
from (values ('{"a": [10, 20, 30], "b": {"c": "x"}}')) t(j)
---- duckdb
select json_extract(j, '$.a'), json_extract(j, '$.a[1]'), json_extract(j, '$.b.c'), json_extract(j, '$.missing')
from (values ('{"a": [10, 20, 30], "b": {"c": "x"}}')) t(j)
---- result
[10,20,30]|20|"\"x\""|NULL

query json_extract_scalar_values
select json_extract_scalar(j, '$.b.c'), json_extract_scalar(j, '$.a[2]'), json_extract_scalar(j, '$.t'), json_extract_scalar(j, '$.a')
from (values ('{"a": [10, 20, 30], "b": {"c": "x"}, "t": true}')) t(j)
---- duckdb
select json_extract_string(j, '$.b.c'), json_extract_string(j, '$.a[2]'), json_extract_string(j, '$.t'), case when json_type(json_extract(j, '$.a')) in ('ARRAY', 'OBJECT') then null else json_extract_string(j, '$.a') end
from (values ('{"a": [10, 20, 30], "b": {"c": "x"}, "t": true}')) t(j)
---- result
x|30|true|NULL

query json_extract_scalar_keeps_number_text
select json_extract_scalar('{"a": 1.50}', '$.a'), json_extract('{"a": 1.50}', '$.a')
---- trino: json_extract_scalar returns a number's text as written; json_extract writes it back as a Java double
1.50|1.5

query json_array_length_of_arrays
select json_array_length('[1, [2, 3], {"a": 4}]'), json_array_length('[]')
---- result
3|0

query json_array_length_not_an_array
select json_array_length('{"a": 1}'), json_array_length('x')
---- trino: Trino gives NULL for anything but an array, and for text that is not JSON
NULL|NULL

query json_parse_canonical
select json_parse('{"b": 1, "a": [true, null, "x"]}'), json_format(json_parse('[1, 2.0]'))
---- trino: Trino's JSON type keeps object members sorted by key and numbers as Jackson writes them
"{\"a\":[true,null,\"x\"],\"b\":1}"|[1,2.0]

query json_over_table_rows
select n_name, json_extract_scalar(format('{"name": "%s", "key": %d}', n_name, n_nationkey), '$.key')
from nation where n_regionkey = 0 order by 1
---- trino: a document built per row, read back
ALGERIA|0
ETHIOPIA|5
KENYA|14
MOROCCO|15
MOZAMBIQUE|16

query json_extract_not_json
select json_extract('not json', '$.a'), json_extract_scalar('{"a": ', '$.a')
---- trino: text that is not JSON gives NULL in json_extract and json_extract_scalar
NULL|NULL

query json_parse_refused
select json_parse('{"a": 1,}')
---- error INVALID_FUNCTION_ARGUMENT: Cannot convert value to JSON: '{"a": 1,}'

query json_path_refused
select json_extract('{"a": 1}', 'a.b')
---- error INVALID_FUNCTION_ARGUMENT: Invalid JSON path: 'a.b'

# Arrays, maps and rows (issue 15 part 1): types in CAST, constructors, subscripts, functions,
# comparison, and composite values crossing stage boundaries. Results are Trino's: arrays and rows
# as JSON lists, maps as JSON objects.

query array_constructor_and_type
select array[1, 2, 3], typeof(array[1, 2, 3]), array[], typeof(array[1, 2.5])
---- types array(integer), varchar, array(unknown), varchar
---- trino: composite values as the client protocol encodes them
[1,2,3]|array(integer)|[]|array(decimal(11,1))

query array_with_nulls_and_strings
select array['a', null, 'c'], cardinality(array['a', null, 'c'])
---- trino: NULL elements are kept
["a",null,"c"]|3

query cast_composite_types
select cast(array[1, 2] as array(bigint)), typeof(cast(array[1, 2] as array(double))), typeof(cast(null as map(varchar, bigint))), typeof(cast(row(1, 'x') as row(a integer, b varchar)))
---- trino: type names as Trino prints them
[1,2]|array(double)|map(varchar, bigint)|row(a integer, b varchar)

query array_subscript
select array[10, 20, 30][2], element_at(array[10, 20, 30], -1), element_at(array[10, 20, 30], 5)
---- trino: 1-based; element_at counts from the end for a negative index and is NULL out of range
20|30|NULL

query array_subscript_out_of_range
select array[10, 20, 30][4]
---- error INVALID_FUNCTION_ARGUMENT: Array subscript must be less than or equal to array length: 4 > 3

query array_subscript_zero
select array[10, 20, 30][0]
---- error INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1

query map_constructor_and_subscript
select map(array['a', 'b'], array[1, 2]), map(array['a', 'b'], array[1, 2])['b'], element_at(map(array['a'], array[1]), 'z'), cardinality(map(array['a', 'b'], array[1, 2]))
---- trino: maps as JSON objects
{"a":1,"b":2}|2|NULL|2

query map_missing_key
select map(array['a'], array[1])['z']
---- error INVALID_FUNCTION_ARGUMENT: Key not present in map: z

query map_duplicate_keys
select map(array[1, 1], array[2, 3])
---- error INVALID_FUNCTION_ARGUMENT: Duplicate map keys (1) are not allowed

query map_keys_values
select map_keys(map(array['x', 'y'], array[1.5, 2.5])), map_values(map(array['x', 'y'], array[1.5, 2.5]))
---- trino: decimals as exact strings
["x","y"]|["1.5","2.5"]

query row_constructor
select row(1, 'a'), typeof(row(1, 'a')), row(1, 'a')[2]
---- trino: rows as JSON lists
[1,"a"]|row(integer, varchar(1))|a

query row_field_access_on_column
select r.x, r.y, r[2] from (select cast(row(n_nationkey, n_name) as row(x bigint, y varchar)) as r from nation where n_nationkey < 3) t order by r.x
---- trino: fields by name and by position
0|ALGERIA|ALGERIA
1|ARGENTINA|ARGENTINA
2|BRAZIL|BRAZIL

query array_functions
select contains(array[1, 2, 3], 2), contains(array[1, null], 3), contains(array[1, null], 1), array_join(array[1, null, 3], '-'), array_join(array[1, null, 3], '-', 'x')
---- trino: contains is NULL when not found and there is a NULL element
true|NULL|true|1-3|1-x-3

query array_distinct_sort_max_min
select array_distinct(array[3, 1, 3, null, 1, null]), array_sort(array[3, null, 1, 2]), array_max(array[3, 1, 2]), array_min(array['b', 'a']), array_max(array[1, null])
---- trino: array_sort puts NULLs last; array_max is NULL when an element is NULL
[3,1,null]|[1,2,3,null]|3|a|NULL

query array_concat
select array[1, 2] || array[3], array[1] || 2, 0 || array[1], concat(array['a'], array['b'], array['c'])
---- trino: arrays and elements concatenate
[1,2,3]|[1,2]|[0,1]|["a","b","c"]

query array_and_row_comparison
select array[1, 2] = array[1, 2], array[1, 2] <> array[1, 3], array[1, null] = array[1, null], array[1, 2] < array[1, 3], array[1, 2] < array[1, 2, 0], row(1, 'b') > row(1, 'a'), row(1, 2) = row(1, 2)
---- trino: element-wise; undecided by NULL elements is NULL
true|true|NULL|true|true|true|true

query nested_arrays
select array[array[1, 2], array[3]], array[array[1, 2], array[3]][1][2], cardinality(array[array[1, 2], array[3]][2])
---- trino: arrays of arrays
[[1,2],[3]]|2|1

query array_column_through_sort
select n_regionkey, array[n_nationkey, n_regionkey] as a from nation where n_nationkey < 5 order by n_nationkey
---- trino: a composite column through a sort
0|[0,0]
1|[1,1]
1|[2,1]
1|[3,1]
4|[4,4]

query composite_columns_through_join_and_group
select r.r_name, array_sort(array[n.n_nationkey, n.n_regionkey]) as a, map(array[n.n_name], array[r.r_regionkey]) as m, row(n.n_nationkey, r.r_name) as rw from nation n join region r on n.n_regionkey = r.r_regionkey where n.n_nationkey in (0, 7) order by 1
---- trino: composite columns built below a join and carried to the output
AFRICA|[0,0]|{"ALGERIA":0}|[0,"AFRICA"]
EUROPE|[3,7]|{"GERMANY":3}|[7,"EUROPE"]

query group_by_array
select a, count(*) from (select array[n_regionkey] as a from nation) t group by a order by a
---- trino: arrays group by value and sort element-wise
[0]|5
[1]|5
[2]|5
[3]|5
[4]|5

query array_values_rows
select x, cardinality(x) from (values (array[1, 2]), (array[3])) as t(x) order by 2
---- trino: VALUES rows with arrays
[3]|1
[1,2]|2

query map_type_parse_error
select cast(null as map(integer))
---- error SYNTAX_ERROR at 1:21: MAP type takes two types

query row_and_array_in_list
select (1, 'a') in ((2, 'b'), (1, 'a')), (1, 'a') in ((2, 'b')), array[1, 2] in (array[1, 2]), (1, null) in ((1, 2)), (n_nationkey, n_regionkey) in ((0, 0), (1, 1)) from nation where n_nationkey < 3 order by n_nationkey
---- trino: rows and arrays compare element-wise in IN lists; NULL where a NULL field leaves it undecided
true|false|true|NULL|true
true|false|true|NULL|true
true|false|true|NULL|false

query row_in_subquery
# more row IN cases in unnest-lateral.sql
select count_if((n_nationkey, n_regionkey) in (select r_regionkey, r_regionkey from region)) from nation
---- trino: nations 0, 1 and 4 have their own number as region
3

query map_not_orderable
select map(array[1], array[2]) < map(array[1], array[3])
---- error TYPE_MISMATCH at 1:8

query subscript_on_scalar
select n_name[1] from nation
---- error TYPE_MISMATCH at 1:8

query unknown_row_field
select r.z from (select cast(row(1) as row(x integer)) as r) t
---- error COLUMN_NOT_FOUND at 1:10

query array_with_incompatible_elements
select array[1, 'a']
---- error TYPE_MISMATCH at 1:8

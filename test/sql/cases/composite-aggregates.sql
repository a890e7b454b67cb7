-- session retry_policy=TASK
# array_agg and map_agg (issue 15 part 1), split in partial and final steps: their array and map
# states cross the exchange, spooled under retry policy TASK.

query array_agg_grouped
select n_regionkey, array_sort(array_agg(n_nationkey)), cardinality(array_agg(n_name)) from nation group by n_regionkey order by 1
---- trino: per-group arrays; array_sort makes the order definite
0|[0,5,14,15,16]|5
1|[1,2,3,17,24]|5
2|[8,9,12,18,21]|5
3|[6,7,19,22,23]|5
4|[4,10,11,13,20]|5

query array_agg_keeps_nulls_and_empty_is_null
select array_agg(x), (select array_agg(n_nationkey) from nation where n_nationkey < 0) from (values (cast(null as integer))) t(x)
---- trino: NULL elements are kept; no input gives NULL
[null]|NULL

query map_agg_grouped
select r_name, map_agg(n_name, n_nationkey)['FRANCE'], cardinality(map_agg(n_name, n_nationkey)) from nation join region on n_regionkey = r_regionkey where r_name = 'EUROPE' group by r_name
---- trino: a map per group
EUROPE|6|5

query map_agg_global
select element_at(map_agg(o_orderkey, o_totalprice), 1), cardinality(map_agg(o_custkey, o_orderkey)) from orders
---- trino: a map over the whole table (first value of a repeated key wins)
172799.49|1000

query array_agg_of_arrays
select cardinality(array_agg(array[l_orderkey, l_linenumber])), array_max(transform(array_agg(array[l_linenumber]), a -> a[1])) from lineitem
---- trino: arrays of arrays through the partial and final step
60175|7

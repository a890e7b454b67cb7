# NULLs everywhere: arithmetic, comparisons, three-valued logic, aggregates over NULLs, NULL keys
# in GROUP BY, DISTINCT and ORDER BY. Joins and subqueries with NULLs are in their own files.

query null_literal
select null, null is null, null is not null
---- result
NULL|true|false

query null_arithmetic
select 1 + null, null - 1, 2 * null, null / 2, null % 3, -cast(null as integer), 1.5 + null, 1e0 * null
---- duckdb
select 1 + null, null - 1, 2 * null, null // 2, null % 3, -cast(null as integer), 1.5 + null, 1e0 * null
---- result
NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL

query null_arithmetic_columns
select a, b, a + b, a - b, a * b from (values (1, 2), (null, 2), (3, null), (null, null)) as t(a, b)
---- result
1|2|3|-1|2
3|NULL|NULL|NULL|NULL
NULL|2|NULL|NULL|NULL
NULL|NULL|NULL|NULL|NULL

query null_comparisons
select null = 1, null <> 1, null < 1, null >= 1, null = null, 1 = 1
---- result
NULL|NULL|NULL|NULL|NULL|true

query null_comparisons_columns
select a, b, a = b, a < b, a <> b from (values (1, 1), (1, null), (null, 1), (null, null)) as t(a, b)
---- result
1|1|true|false|false
1|NULL|NULL|NULL|NULL
NULL|1|NULL|NULL|NULL
NULL|NULL|NULL|NULL|NULL

query is_distinct_from
select a, b, a is distinct from b, a is not distinct from b
from (values (1, 1), (1, 2), (1, null), (null, null)) as t(a, b)
---- result
1|1|false|true
1|2|true|false
1|NULL|true|false
NULL|NULL|false|true

query three_valued_and
select a, b, a and b from (values (true, true), (true, false), (true, null), (false, null), (null, null), (false, false)) as t(a, b)
---- result
NULL|NULL|NULL
false|NULL|false
false|false|false
true|NULL|NULL
true|false|false
true|true|true

query three_valued_or
select a, b, a or b from (values (true, true), (true, false), (true, null), (false, null), (null, null), (false, false)) as t(a, b)
---- result
NULL|NULL|NULL
false|NULL|NULL
false|false|false
true|NULL|true
true|false|true
true|true|true

query three_valued_not
select a, not a from (values (true), (false), (null)) as t(a)
---- result
NULL|NULL
false|true
true|false

query where_drops_unknown
select a from (values (1), (2), (null)) as t(a) where a > 1 or a < 1
---- result
2

query where_not_unknown
select a from (values (1), (2), (null)) as t(a) where not (a = 1)
---- result
2

query in_list_with_null_match
select 1 in (1, null), 2 in (1, null), null in (1, 2), null in (null)
---- result
true|NULL|NULL|NULL

query not_in_list_with_null
select 1 not in (2, null), 2 not in (2, null), 3 not in (1, 2)
---- result
NULL|false|true

query in_list_null_filter
select a from (values (1), (2), (null)) as t(a) where a in (1, null)
---- result
1

query not_in_list_null_filter
select a from (values (1), (2), (null)) as t(a) where a not in (1, null)
---- result

query between_with_nulls
select a, a between 1 and 3, a between null and 3, 2 between a and 3 from (values (0), (2), (null)) as t(a)
---- result
0|false|NULL|true
2|true|NULL|true
NULL|NULL|NULL|NULL

query like_with_null
select a, a like 'x%', 'xyz' like a from (values ('xa'), ('ya'), (null), ('x%')) as t(a)
---- result
NULL|NULL|NULL
x%|true|true
xa|true|false
ya|false|false

query count_star_vs_count_column
select count(*), count(a), count(b) from (values (1, null), (null, null), (3, null)) as t(a, b)
---- result
3|2|0

query aggregates_skip_nulls
select sum(a), avg(a), min(a), max(a), count(a) from (values (1), (null), (3), (null)) as t(a)
---- result
4|2|1|3|2

query aggregates_all_null
select sum(a), avg(a), min(a), max(a), count(a), count(*) from (values (cast(null as integer)), (null)) as t(a)
---- result
NULL|NULL|NULL|NULL|0|2

query aggregates_on_empty_input
select sum(n_nationkey), avg(n_nationkey), min(n_name), max(n_name), count(n_name), count(*) from nation where n_nationkey < 0
---- result
NULL|NULL|NULL|NULL|0|0

query grouped_aggregates_on_empty_input
select n_regionkey, count(*) from nation where n_nationkey < 0 group by n_regionkey
---- result

query decimal_aggregates_with_nulls
select sum(d), avg(d), min(d), max(d) from (values (cast(1.25 as decimal(10,2))), (null), (cast(2.50 as decimal(10,2)))) as t(d)
---- result
3.75|1.875|1.25|2.50

query group_by_null_key
select k, count(*), sum(v) from (values (1, 10), (null, 20), (1, 30), (null, 40), (2, null)) as t(k, v) group by k
---- result
1|2|40
2|1|NULL
NULL|2|60

query group_by_two_keys_with_nulls
select a, b, count(*) from (values (1, null), (1, null), (null, 1), (null, null), (null, null), (1, 1)) as t(a, b) group by a, b
---- result
1|1|1
1|NULL|2
NULL|1|1
NULL|NULL|2

query distinct_with_nulls
select distinct a from (values (1), (null), (1), (null), (2)) as t(a)
---- result
1
2
NULL

query count_distinct_ignores_null
select count(distinct a), count(a), count(*) from (values (1), (null), (1), (null), (2)) as t(a)
---- result
2|3|5

query order_by_nulls_default
select a from (values (3), (null), (1), (2)) as t(a) order by a
---- result
1
2
3
NULL

query order_by_desc_nulls_default
select a from (values (3), (null), (1), (2)) as t(a) order by a desc
---- result
3
2
1
NULL

query order_by_nulls_first
select a from (values (3), (null), (1), (2)) as t(a) order by a nulls first
---- result
NULL
1
2
3

query order_by_desc_nulls_first
select a from (values (3), (null), (1), (2)) as t(a) order by a desc nulls first
---- result
NULL
3
2
1

query order_by_desc_nulls_last
select a from (values (3), (null), (1), (2)) as t(a) order by a desc nulls last
---- result
3
2
1
NULL

query null_string_functions
select upper(null), length(cast(null as varchar)), substr(null, 1, 2), 'a' || null, trim(cast(null as varchar))
---- result
NULL|NULL|NULL|NULL|NULL

query null_in_case
select case when null then 'yes' else 'no' end, case null when null then 'eq' else 'neq' end, case 1 when null then 'x' end
---- result
no|neq|NULL

query null_cast
select cast(null as integer), cast(null as varchar), cast(null as date), cast(null as decimal(10,2)), cast(null as double)
---- result
NULL|NULL|NULL|NULL|NULL

query null_in_outer_columns_of_tpch
select c_custkey, o_orderkey from customer left join orders on c_custkey = o_custkey where c_custkey < 12 and o_orderkey is null
---- result
3|NULL
6|NULL
9|NULL

query coalesce_over_null_column
select a, coalesce(a, -1) from (values (1), (null)) as t(a)
---- result
1|1
NULL|-1

query min_max_strings_with_null
select min(s), max(s) from (values ('b'), (null), ('a'), ('c')) as t(s)
---- result
a|c

query bool_aggregates_with_null
select bool_and(b), bool_or(b) from (values (true), (null), (false)) as t(b)
---- result
false|true

query nullif_making_nulls
select count(nullif(n_regionkey, 0)), sum(nullif(n_regionkey, 1)) from nation
---- result
20|45

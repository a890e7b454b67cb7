# UNNEST, LATERAL and row IN (issue 15 part 1). UNNEST on the right of a join is evaluated per row
# of its left side (an Unnest operator in the left side's stage); LATERAL subqueries are
# decorrelated into joins.

query unnest_array_literal
select * from unnest(array[1, 2, 3]) as t(x)
---- result
1
2
3

query unnest_with_ordinality
select x, o from unnest(array['a', 'b', 'c']) with ordinality as t(x, o) order by o
---- result
a|1
b|2
c|3

query unnest_several_arguments_zipped
select * from unnest(array[1, 2], array['a', 'b', 'c'], array[true]) as t(x, y, z)
---- trino: the shorter arrays are padded with NULL
1|a|true
2|b|NULL
NULL|c|NULL

query unnest_several_with_ordinality
select * from unnest(array[10, 20, 30], array['a']) with ordinality as t(x, y, n) order by n
---- trino: one ordinal per output row
10|a|1
20|NULL|2
30|NULL|3

query unnest_map
select k, v from unnest(map(array['a', 'b'], array[1, 2])) as t(k, v) order by k
---- trino: a map gives its keys and values
a|1
b|2

query unnest_array_of_rows
select * from unnest(array[row(1, 'a'), row(2, 'b')]) as t(n, s)
---- trino: an array of rows gives the row's fields as columns
1|a
2|b

query unnest_array_of_named_rows_keeps_field_names
select x, y from unnest(cast(array[row(1, 'p'), null] as array(row(x integer, y varchar))))
---- trino: the fields' names name the columns; a NULL row gives NULL fields
1|p
NULL|NULL

query unnest_null_and_empty_give_no_rows
select count(*) from unnest(cast(null as array(integer))) as t(x)
---- trino: a NULL array is empty
0

query cross_join_unnest_of_aggregated_arrays
select r, x from (select n_regionkey as r, array_agg(n_nationkey) as a from nation group by n_regionkey) t cross join unnest(t.a) as u(x)
---- result
0|0
0|14
0|15
0|16
0|5
1|1
1|17
1|2
1|24
1|3
2|12
2|18
2|21
2|8
2|9
3|19
3|22
3|23
3|6
3|7
4|10
4|11
4|13
4|20
4|4

query implicit_lateral_comma_form
select n_name, sum(v) from nation n, unnest(array[n_nationkey, n_regionkey, 100]) u(v) where n_nationkey < 5 group by n_name
---- duckdb
select n_name, sum(v) from nation n, unnest([n_nationkey, n_regionkey, 100]) u(v) where n_nationkey < 5 group by n_name
---- result
ALGERIA|100
ARGENTINA|102
BRAZIL|103
CANADA|104
EGYPT|108

query cross_join_unnest_with_ordinality_over_table
select o_orderkey, p, x from (select o_orderkey, array[o_custkey, o_shippriority] as a from orders where o_orderkey < 40) t cross join unnest(a) with ordinality as u(x, p) order by o_orderkey, p
---- duckdb
select o_orderkey, p, x from (select o_orderkey, [o_custkey, o_shippriority] as a from orders where o_orderkey < 40) t cross join unnest(a) with ordinality as u(x, p) order by o_orderkey, p
---- result
1|1|370
1|2|0
2|1|781
2|2|0
3|1|1234
3|2|0
4|1|1369
4|2|0
5|1|445
5|2|0
6|1|557
6|2|0
7|1|392
7|2|0
32|1|1301
32|2|0
33|1|670
33|2|0
34|1|611
34|2|0
35|1|1276
35|2|0
36|1|1153
36|2|0
37|1|862
37|2|0
38|1|1249
38|2|0
39|1|818
39|2|0

query cross_join_unnest_drops_empty_and_null
select a, x from (values (1, array[1, 2]), (2, filter(array[0], e -> false)), (3, null)) t(a, arr) cross join unnest(arr) as u(x)
---- trino: rows with an empty or NULL array have no elements
1|1
1|2

query left_join_unnest_keeps_empty_and_null
select a, x, o from (values (1, array[1, 2]), (2, filter(array[0], e -> false)), (3, null)) t(a, arr) left join unnest(arr) with ordinality as u(x, o) on true
---- trino: one row of NULLs for an empty or NULL array
1|1|1
1|2|2
2|NULL|NULL
3|NULL|NULL

query join_unnest_on_condition
select n_nationkey, x from nation join unnest(array[1, 2, 3]) as u(x) on x = n_regionkey where n_nationkey < 6
---- duckdb
select n_nationkey, x from nation join unnest([1, 2, 3]) as u(x) on x = n_regionkey where n_nationkey < 6
---- result
1|1
2|1
3|1

query unnest_map_column_per_row
select n_nationkey, k, v from (select n_nationkey, map(array['r', 'k'], array[n_regionkey, n_nationkey]) as m from nation where n_nationkey < 3) t cross join unnest(m) as u(k, v) order by n_nationkey, k
---- trino: a map column unnested per row
0|k|0
0|r|0
1|k|1
1|r|1
2|k|2
2|r|1

query unnest_of_scalar_is_a_type_error
select * from unnest(1) as t(x)
---- error TYPE_MISMATCH at 1:22: Cannot unnest type: integer

query unnest_of_column_is_a_type_error
select * from nation cross join unnest(n_name) as u(x)
---- error TYPE_MISMATCH at 1:40: Cannot unnest type: varchar(25)

query unnest_alias_column_count
select * from unnest(array[1, 2]) with ordinality as t(x)
---- error TYPE_MISMATCH: Column alias list has 1 entries but relation has 2 columns

query lateral_correlated_rows
select r_name, n_name from region cross join lateral (select n_name from nation where n_regionkey = r_regionkey) t
---- result
AFRICA|ALGERIA
AFRICA|ETHIOPIA
AFRICA|KENYA
AFRICA|MOROCCO
AFRICA|MOZAMBIQUE
AMERICA|ARGENTINA
AMERICA|BRAZIL
AMERICA|CANADA
AMERICA|PERU
AMERICA|UNITED STATES
ASIA|CHINA
ASIA|INDIA
ASIA|INDONESIA
ASIA|JAPAN
ASIA|VIETNAM
EUROPE|FRANCE
EUROPE|GERMANY
EUROPE|ROMANIA
EUROPE|RUSSIA
EUROPE|UNITED KINGDOM
MIDDLE EAST|EGYPT
MIDDLE EAST|IRAN
MIDDLE EAST|IRAQ
MIDDLE EAST|JORDAN
MIDDLE EAST|SAUDI ARABIA

query lateral_comma_form_with_filter
select r_name, n_name from region, lateral (select n_name from nation where n_regionkey = r_regionkey and n_nationkey > 10) t where r_name <> 'ASIA'
---- result
AFRICA|KENYA
AFRICA|MOROCCO
AFRICA|MOZAMBIQUE
AMERICA|PERU
AMERICA|UNITED STATES
EUROPE|ROMANIA
EUROPE|RUSSIA
EUROPE|UNITED KINGDOM
MIDDLE EAST|IRAQ
MIDDLE EAST|JORDAN
MIDDLE EAST|SAUDI ARABIA

query lateral_with_aggregation
select n_name, c, s from nation cross join lateral (select count(*) as c, sum(c_acctbal) as s from customer where c_nationkey = n_nationkey and c_acctbal > 9000) t
---- result
ALGERIA|4|37126.47
ARGENTINA|7|66474.29
BRAZIL|3|28767.25
CANADA|5|46271.19
CHINA|8|76716.00
EGYPT|5|47787.77
ETHIOPIA|6|56990.65
FRANCE|2|18224.26
GERMANY|6|55746.14
INDIA|7|67337.45
INDONESIA|6|58055.51
IRAN|4|37265.42
IRAQ|6|56647.27
JAPAN|4|37352.22
JORDAN|4|37698.57
KENYA|4|37074.86
MOROCCO|11|104008.23
MOZAMBIQUE|6|57440.81
PERU|3|28929.95
ROMANIA|4|37580.37
RUSSIA|3|28062.57
SAUDI ARABIA|5|47759.70
UNITED KINGDOM|3|28070.83
UNITED STATES|6|57248.04
VIETNAM|5|46932.56

query lateral_aggregation_counts_zero_where_nothing_matches
select r_regionkey, c, s from region cross join lateral (select count(*) as c, max(n_nationkey) as s from nation where n_regionkey = r_regionkey and n_nationkey > 20) t order by r_regionkey
---- result
0|0|NULL
1|1|24
2|1|21
3|2|23
4|0|NULL

query left_join_lateral_keeps_unmatched
select r_name, n from region left join lateral (select n_name as n from nation where n_regionkey = r_regionkey and n_nationkey < 3) t on true
---- result
AFRICA|ALGERIA
AMERICA|ARGENTINA
AMERICA|BRAZIL
ASIA|NULL
EUROPE|NULL
MIDDLE EAST|NULL

query lateral_uncorrelated
select count(*) from region cross join lateral (select n_name from nation where n_nationkey < 3) t
---- result
15

query lateral_group_by_is_refused
select r_name, c from region cross join lateral (select count(*) as c from nation where n_regionkey = r_regionkey group by n_nationkey) t
---- error NOT_SUPPORTED at 1:50: Correlated LATERAL subqueries with aggregation are not supported

query lateral_outer_reference_in_select_list_is_refused
select r_name, x from region cross join lateral (select r_name as x from nation where n_regionkey = r_regionkey) t
---- error NOT_SUPPORTED

query row_in_subquery
select n_name from nation where (n_regionkey, n_nationkey) in (select r_regionkey, r_regionkey + 5 from region)
---- result
ETHIOPIA

query row_not_in_subquery
select count(*) from nation where (n_regionkey, n_nationkey) not in (select r_regionkey, r_regionkey + 5 from region)
---- result
24

query row_in_null_semantics
select (1, 2) in (select 1, 2), (1, 2) in (select 1, null), (1, 2) in (select 2, null), (1, null) in (select 1, 2), (1, null) in (select 2, 2), (1, 2) in (select 1, 3 where false)
---- trino: a row comparison is NULL when no field differs and one is NULL
true|NULL|false|NULL|false|false

query row_not_in_null_semantics
select (1, 2) not in (select 1, 2), (1, 2) not in (select 1, null), (1, 2) not in (select 2, null), (1, null) not in (select 2, 2)
---- trino: NOT of the IN
false|NULL|true|true

query row_in_arity_mismatch
select (1, 2) in (select 1, 2, 3)
---- error TYPE_MISMATCH

query unnest_one_long_array_spans_pages
select count(*), sum(x), max(n) from (select array_agg(l_linenumber) as a from lineitem) t cross join unnest(a) with ordinality as u(x, n)
---- result
60175|180782|60175

query row_quantified_any_and_all
select count(*) from nation where (n_regionkey, n_nationkey) = any (select r_regionkey, r_regionkey + 5 from region) or (n_regionkey, n_name) <> all (select n_regionkey, n_name from nation where n_nationkey > 3)
---- result
5

query left_join_lateral_on_condition
select r_name, n from region left join lateral (select n_name as n from nation where n_regionkey = r_regionkey) t on n like 'I%'
---- result
AFRICA|NULL
AMERICA|NULL
ASIA|INDIA
ASIA|INDONESIA
EUROPE|NULL
MIDDLE EAST|IRAN
MIDDLE EAST|IRAQ

query join_lateral_on_condition
select r_name, n from region join lateral (select n_name as n, n_nationkey as k from nation where n_regionkey = r_regionkey) t on k > 20
---- result
AMERICA|UNITED STATES
ASIA|VIETNAM
EUROPE|RUSSIA
EUROPE|UNITED KINGDOM

query lateral_over_two_left_relations
select r_name, n_name, c from region join nation on r_regionkey = n_regionkey cross join lateral (select count(*) as c from supplier where s_nationkey = n_nationkey and s_suppkey % 5 = r_regionkey) t where n_nationkey < 8
---- result
AFRICA|ALGERIA|0
AFRICA|ETHIOPIA|0
AMERICA|ARGENTINA|1
AMERICA|BRAZIL|1
AMERICA|CANADA|1
EUROPE|FRANCE|0
EUROPE|GERMANY|2
MIDDLE EAST|EGYPT|2

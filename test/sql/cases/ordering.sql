# ORDER BY (ASC/DESC, NULLS FIRST/LAST, several keys, expressions, ordinals, aliases), LIMIT,
# OFFSET and FETCH FIRST, TopN over the TPC-H tables.

query order_by_single_key
select n_name from nation order by n_name
---- result
ALGERIA
ARGENTINA
BRAZIL
CANADA
CHINA
EGYPT
ETHIOPIA
FRANCE
GERMANY
INDIA
INDONESIA
IRAN
IRAQ
JAPAN
JORDAN
KENYA
MOROCCO
MOZAMBIQUE
PERU
ROMANIA
RUSSIA
SAUDI ARABIA
UNITED KINGDOM
UNITED STATES
VIETNAM

query order_by_desc
select r_name from region order by r_name desc
---- result
MIDDLE EAST
EUROPE
ASIA
AMERICA
AFRICA

query order_by_two_keys_mixed_directions
select n_regionkey, n_name from nation order by n_regionkey desc, n_name asc
---- result
4|EGYPT
4|IRAN
4|IRAQ
4|JORDAN
4|SAUDI ARABIA
3|FRANCE
3|GERMANY
3|ROMANIA
3|RUSSIA
3|UNITED KINGDOM
2|CHINA
2|INDIA
2|INDONESIA
2|JAPAN
2|VIETNAM
1|ARGENTINA
1|BRAZIL
1|CANADA
1|PERU
1|UNITED STATES
0|ALGERIA
0|ETHIOPIA
0|KENYA
0|MOROCCO
0|MOZAMBIQUE

query order_by_expression
select n_nationkey, n_name from nation order by n_nationkey % 5, n_nationkey desc
---- result
20|SAUDI ARABIA
15|MOROCCO
10|IRAN
5|ETHIOPIA
0|ALGERIA
21|VIETNAM
16|MOZAMBIQUE
11|IRAQ
6|FRANCE
1|ARGENTINA
22|RUSSIA
17|PERU
12|JAPAN
7|GERMANY
2|BRAZIL
23|UNITED KINGDOM
18|CHINA
13|JORDAN
8|INDIA
3|CANADA
24|UNITED STATES
19|ROMANIA
14|KENYA
9|INDONESIA
4|EGYPT

query order_by_ordinal
select n_regionkey, count(*) from nation group by 1 order by 2 desc, 1
---- result
0|5
1|5
2|5
3|5
4|5

query order_by_alias
select n_name as name, n_nationkey * -1 as neg from nation order by neg limit 5
---- result
UNITED STATES|-24
UNITED KINGDOM|-23
RUSSIA|-22
VIETNAM|-21
SAUDI ARABIA|-20

query order_by_column_not_selected
select n_name from nation order by n_nationkey desc limit 3
---- result
UNITED STATES
UNITED KINGDOM
RUSSIA

query order_by_aggregate
select o_custkey, sum(o_totalprice) as total from orders group by o_custkey order by total desc, o_custkey limit 5
---- result
1489|5408941.28
214|4674894.73
1396|4644936.89
1246|4642942.33
73|4638819.21

query order_by_nulls_first_last_mixed
select a, b from (values (1, null), (null, 2), (1, 1), (null, null), (2, 3)) as t(a, b) order by a nulls first, b desc nulls last
---- result
NULL|2
NULL|NULL
1|1
1|NULL
2|3

query order_by_nulls_last_desc
select a, b from (values (1, null), (null, 2), (1, 1), (null, null), (2, 3)) as t(a, b) order by a desc nulls last, b nulls first
---- result
2|3
1|NULL
1|1
NULL|NULL
NULL|2

query order_by_strings_with_nulls
select s from (values ('b'), (null), ('a'), ('')) as t(s) order by s nulls first
---- result
NULL
""
a
b

query order_by_decimals_and_doubles
select d, f from (values (1.50, 2e0), (-0.25, -1e0), (10.00, 0.5e0), (1.49, 1e10)) as t(d, f) order by d
---- result
-0.25|-1
1.49|10000000000
1.50|2
10.00|0.5

query order_by_doubles_desc
select f from (values (2e0), (-1e0), (0.5e0), (1e10), (-1e10)) as t(f) order by f desc
---- result
10000000000
2
0.5
-1
-10000000000

query order_by_dates
select o_orderkey, o_orderdate from orders where o_custkey = 4 order by o_orderdate, o_orderkey
---- result
22466|1992-03-29
10688|1992-05-13
26407|1992-06-20
44486|1992-07-10
54722|1993-01-08
20386|1993-02-28
26852|1993-03-07
38117|1993-04-21
36386|1994-04-03
56196|1994-11-06
25280|1995-05-22
14947|1995-07-30
59079|1995-10-05
46951|1995-11-18
13728|1995-12-11
6532|1996-02-18
15395|1996-05-14
26722|1996-05-16
29574|1996-07-12
24416|1996-10-18
10788|1997-01-15
34755|1997-02-24
58146|1997-04-02
41600|1997-04-06
59140|1997-08-31
25893|1997-09-16
320|1997-11-21
28417|1998-01-25
54404|1998-02-13
739|1998-05-31
54018|1998-06-24

query order_by_case_expression
select n_name from nation where n_regionkey = 2 order by case when n_name = 'JAPAN' then 0 else 1 end, n_name
---- result
JAPAN
CHINA
INDIA
INDONESIA
VIETNAM

query limit_only_count
select count(*) from (select * from lineitem limit 100) t
---- result
100

query limit_zero
select n_name from nation order by n_name limit 0
---- result

query limit_larger_than_input
select r_name from region order by r_name limit 100
---- result
AFRICA
AMERICA
ASIA
EUROPE
MIDDLE EAST

query top_n
select l_orderkey, l_linenumber, l_extendedprice from lineitem order by l_extendedprice desc, l_orderkey, l_linenumber limit 7
---- result
13159|1|94949.50
32416|5|94899.50
1121|6|94849.50
10246|1|94849.50
13829|4|94799.50
29732|1|94799.50
4931|4|94749.50

query top_n_with_ties_broken
select o_orderdate, o_orderkey from orders order by o_orderdate, o_orderkey limit 5
---- result
1992-01-01|3271
1992-01-01|5607
1992-01-01|20742
1992-01-01|23010
1992-01-01|27015

query offset_and_limit
select n_nationkey from nation order by n_nationkey offset 5 limit 3
---- result
5
6
7

query offset_only
select n_nationkey from nation order by n_nationkey offset 22
---- result
22
23
24

query offset_beyond_end
select n_nationkey from nation order by n_nationkey offset 30
---- result

query offset_rows_fetch_first
select n_name from nation order by n_name offset 2 rows fetch first 3 rows only
---- result
BRAZIL
CANADA
CHINA

query fetch_first_row_only
select n_name from nation order by n_name fetch first 1 row only
---- result
ALGERIA

query fetch_next_rows
select n_name from nation order by n_name desc fetch next 2 rows only
---- result
VIETNAM
UNITED STATES

query limit_in_subquery
select sum(k) from (select n_nationkey as k from nation order by n_nationkey desc limit 5) t
---- result
110

query order_by_in_subquery_then_outer_order
select k from (select n_nationkey as k from nation order by k desc limit 4) t order by k
---- result
21
22
23
24

query order_by_distinct_result
select distinct n_regionkey from nation order by n_regionkey desc
---- result
4
3
2
1
0

query order_by_union_result
select n_nationkey as k from nation where n_nationkey > 20 union all select r_regionkey from region order by k
---- result
0
1
2
3
4
21
22
23
24

query order_by_large_sort
select l_orderkey, l_linenumber from lineitem order by l_shipdate desc, l_orderkey, l_linenumber limit 20
---- result
20195|2
22403|2
4678|1
12384|5
1124|3
26561|2
47394|2
43969|2
19876|3
47394|1
11523|1
53377|5
14694|1
58405|6
29603|6
11204|1
19876|4
26371|1
19461|3
47044|5

query order_by_full_sort_of_table
select o_orderkey, o_totalprice from orders order by o_totalprice desc, o_orderkey
---- result
(15000 rows, sha256 f5f2dcb6ed6fec10)

query order_by_boolean
select x from (values (true), (false), (null)) as t(x) order by x
---- result
false
true
NULL

query order_by_mixed_sign_bigint
select x from (values (cast(9007199254740993 as bigint)), (cast(-9007199254740993 as bigint)), (cast(0 as bigint)), (cast(9007199254740992 as bigint))) as t(x) order by x
---- result
-9007199254740993
0
9007199254740992
9007199254740993

query fetch_first_with_ties
select n_regionkey from nation order by n_regionkey fetch first 3 rows with ties
---- trino: the 3rd row's peers (n_regionkey = 0) come too; DuckDB has no WITH TIES
0
0
0
0
0

query limit_all
select count(*) from (select * from region limit all) t
---- result
5

# Joins: INNER, LEFT, RIGHT, FULL, CROSS, comma joins, USING, non-equi conditions and residual
# filters, NULL keys (never equal), several keys, self joins and joins of many tables.

query inner_join_on
select n_name, r_name from nation join region on n_regionkey = r_regionkey where r_regionkey < 2
---- result
ALGERIA|AFRICA
ARGENTINA|AMERICA
BRAZIL|AMERICA
CANADA|AMERICA
ETHIOPIA|AFRICA
KENYA|AFRICA
MOROCCO|AFRICA
MOZAMBIQUE|AFRICA
PERU|AMERICA
UNITED STATES|AMERICA

query inner_join_keyword
select count(*) from nation inner join region on n_regionkey = r_regionkey
---- result
25

query comma_join_where
select s_name, n_name from supplier, nation where s_nationkey = n_nationkey and s_suppkey <= 10
---- result
Supplier#000000001|PERU
Supplier#000000002|ETHIOPIA
Supplier#000000003|ARGENTINA
Supplier#000000004|MOROCCO
Supplier#000000005|IRAQ
Supplier#000000006|KENYA
Supplier#000000007|UNITED KINGDOM
Supplier#000000008|PERU
Supplier#000000009|IRAN
Supplier#000000010|UNITED STATES

query left_join_unmatched
select r_regionkey, r_name, n_name from region left join nation on r_regionkey = n_regionkey and n_name like 'A%'
---- result
0|AFRICA|ALGERIA
1|AMERICA|ARGENTINA
2|ASIA|NULL
3|EUROPE|NULL
4|MIDDLE EAST|NULL

query right_join_unmatched
select n_name, r_name from nation right join region on n_regionkey = r_regionkey and n_nationkey < 3
---- result
ALGERIA|AFRICA
ARGENTINA|AMERICA
BRAZIL|AMERICA
NULL|ASIA
NULL|EUROPE
NULL|MIDDLE EAST

query full_join_both_sides
select a.k, a.v, b.k, b.w from (values (1, 'a1'), (2, 'a2'), (4, 'a4')) as a(k, v) full join (values (2, 'b2'), (3, 'b3'), (4, 'b4')) as b(k, w) on a.k = b.k
---- result
1|a1|NULL|NULL
2|a2|2|b2
4|a4|4|b4
NULL|NULL|3|b3

query full_outer_join_keyword
select count(*), count(a.k), count(b.k) from (values (1), (2)) as a(k) full outer join (values (2), (3), (3)) as b(k) on a.k = b.k
---- result
4|2|3

query cross_join
select r_name, x from region cross join (values (1), (2)) as t(x) where r_regionkey < 2
---- result
AFRICA|1
AFRICA|2
AMERICA|1
AMERICA|2

query cross_join_count
select count(*) from nation cross join region
---- result
125

query join_using
select * from (values (1, 'a'), (2, 'b')) as a(k, v) join (values (1, 'x'), (3, 'y')) as b(k, w) using (k)
---- result
1|a|x

query left_join_using
select k, v, w from (values (1, 'a'), (2, 'b')) as a(k, v) left join (values (1, 'x'), (3, 'y')) as b(k, w) using (k)
---- result
1|a|x
2|b|NULL

query full_join_using_merges_key
select k, v, w from (values (1, 'a'), (2, 'b')) as a(k, v) full join (values (1, 'x'), (3, 'y')) as b(k, w) using (k)
---- result
1|a|x
2|b|NULL
3|NULL|y

query join_using_two_columns
select * from (values (1, 1, 'a'), (1, 2, 'b')) as a(x, y, v) join (values (1, 2, 'c'), (2, 2, 'd')) as b(x, y, w) using (x, y)
---- result
1|2|b|c

query join_null_keys_never_match
select a.k, b.k from (values (1), (null), (null)) as a(k) join (values (1), (null)) as b(k) on a.k = b.k
---- result
1|1

query left_join_null_keys
select a.k, a.v, b.w from (values (1, 'a'), (null, 'b')) as a(k, v) left join (values (1, 'x'), (null, 'y')) as b(k, w) on a.k = b.k
---- result
1|a|x
NULL|b|NULL

query full_join_null_keys
select a.v, b.w from (values (1, 'a'), (null, 'b')) as a(k, v) full join (values (1, 'x'), (null, 'y')) as b(k, w) on a.k = b.k
---- result
NULL|y
a|x
b|NULL

query right_join_null_keys
select a.v, b.w from (values (null, 'a'), (2, 'b')) as a(k, v) right join (values (null, 'x'), (2, 'y')) as b(k, w) on a.k = b.k
---- result
NULL|x
b|y

query join_is_not_distinct_from_matches_nulls
select a.v, b.w from (values (1, 'a'), (null, 'b')) as a(k, v) join (values (1, 'x'), (null, 'y')) as b(k, w) on a.k is not distinct from b.k
---- result
a|x
b|y

query join_multiple_keys
select count(*) from lineitem join partsupp on l_partkey = ps_partkey and l_suppkey = ps_suppkey
---- result
60175

query join_multiple_keys_with_nulls
select a.v, b.w from (values (1, 1, 'a'), (1, null, 'b'), (null, 1, 'c')) as a(x, y, v)
join (values (1, 1, 'p'), (1, null, 'q'), (null, 1, 'r')) as b(x, y, w) on a.x = b.x and a.y = b.y
---- result
a|p

query inner_join_non_equi_residual
select n_name, r_name from nation join region on n_regionkey = r_regionkey and n_nationkey > r_regionkey * 5
---- result
CHINA|ASIA
ETHIOPIA|AFRICA
JAPAN|ASIA
KENYA|AFRICA
MOROCCO|AFRICA
MOZAMBIQUE|AFRICA
PERU|AMERICA
ROMANIA|EUROPE
RUSSIA|EUROPE
UNITED KINGDOM|EUROPE
UNITED STATES|AMERICA
VIETNAM|ASIA

query left_join_residual_keeps_rows
select r_name, count(n_name) from region left join nation on n_regionkey = r_regionkey and n_nationkey < 10 group by r_name
---- result
AFRICA|2
AMERICA|3
ASIA|2
EUROPE|2
MIDDLE EAST|1

query left_join_residual_on_left_column
# a condition on the left side only restricts matches; every left row stays
select a.k, b.k from (values (1), (2), (3)) as a(k) left join (values (1), (2), (3)) as b(k) on a.k = b.k and a.k > 1
---- result
1|NULL
2|2
3|3

query left_join_where_vs_on
select a.k, b.k from (values (1), (2), (3)) as a(k) left join (values (1), (2)) as b(k) on a.k = b.k where b.k is null
---- result
3|NULL

query full_join_residual
select a.k, b.k from (values (1), (2), (3)) as a(k) full join (values (1), (2), (4)) as b(k) on a.k = b.k and a.k <> 2
---- result
1|1
2|NULL
3|NULL
NULL|2
NULL|4

query non_equi_join_only
select a.x, b.y from (values (1), (5), (10)) as a(x) join (values (3), (7)) as b(y) on a.x < b.y
---- result
1|3
1|7
5|7

query left_non_equi_join_only
select a.x, b.y from (values (1), (5), (10)) as a(x) left join (values (3), (7)) as b(y) on a.x > b.y
---- result
10|3
10|7
1|NULL
5|3

query full_non_equi_join_only
select a.x, b.y from (values (1), (5)) as a(x) full join (values (3), (0)) as b(y) on a.x > b.y + 2
---- result
1|NULL
5|0
NULL|3

query join_on_expression_keys
select count(*) from orders join customer on o_custkey = c_custkey + 0 and o_orderkey % 7 = c_custkey % 7
---- result
2083

query join_between_condition
select count(*) from part join partsupp on p_partkey = ps_partkey and ps_supplycost between p_retailprice / 100 and p_retailprice / 50
---- result
118

query self_join
select a.n_name, b.n_name from nation a join nation b on a.n_regionkey = b.n_regionkey and a.n_nationkey < b.n_nationkey where a.n_regionkey = 0
---- result
ALGERIA|ETHIOPIA
ALGERIA|KENYA
ALGERIA|MOROCCO
ALGERIA|MOZAMBIQUE
ETHIOPIA|KENYA
ETHIOPIA|MOROCCO
ETHIOPIA|MOZAMBIQUE
KENYA|MOROCCO
KENYA|MOZAMBIQUE
MOROCCO|MOZAMBIQUE

query three_way_join
select r_name, count(*), sum(s_acctbal) from supplier join nation on s_nationkey = n_nationkey join region on n_regionkey = r_regionkey group by r_name
---- result
AFRICA|21|76191.25
AMERICA|20|93967.21
ASIA|27|95352.22
EUROPE|20|97537.05
MIDDLE EAST|12|37882.27

query four_way_comma_join
select count(*), sum(l_quantity) from customer, orders, lineitem, nation
where c_custkey = o_custkey and o_orderkey = l_orderkey and c_nationkey = n_nationkey and n_name = 'FRANCE'
---- result
1488|38875.00

query join_subquery_aggregate
select c_mktsegment, count(*), sum(t.n) from customer join (select o_custkey, count(*) as n from orders group by o_custkey) t on c_custkey = t.o_custkey group by c_mktsegment
---- result
AUTOMOBILE|199|2979
BUILDING|247|3706
FURNITURE|192|3007
HOUSEHOLD|185|2772
MACHINERY|177|2536

query left_join_chain
select r.r_name, n.n_name, s.s_name from region r left join nation n on n.n_regionkey = r.r_regionkey and n.n_nationkey = 1
left join supplier s on s.s_nationkey = n.n_nationkey and s.s_suppkey < 50
---- result
AFRICA|NULL|NULL
AMERICA|ARGENTINA|Supplier#000000003
AMERICA|ARGENTINA|Supplier#000000029
ASIA|NULL|NULL
EUROPE|NULL|NULL
MIDDLE EAST|NULL|NULL

query left_join_then_inner
select count(*) from customer left join orders on c_custkey = o_custkey join nation on c_nationkey = n_nationkey where n_regionkey = 1
---- result
3021

query customers_without_orders
select count(*) from customer left join orders on c_custkey = o_custkey where o_orderkey is null
---- result
500

query right_join_aggregate
select n_name, count(s_suppkey) from supplier right join nation on s_nationkey = n_nationkey group by n_name
---- result
ALGERIA|3
ARGENTINA|3
BRAZIL|2
CANADA|3
CHINA|7
EGYPT|6
ETHIOPIA|3
FRANCE|2
GERMANY|5
INDIA|5
INDONESIA|5
IRAN|2
IRAQ|2
JAPAN|4
JORDAN|1
KENYA|6
MOROCCO|2
MOZAMBIQUE|7
PERU|4
ROMANIA|5
RUSSIA|5
SAUDI ARABIA|1
UNITED KINGDOM|3
UNITED STATES|8
VIETNAM|6

query full_join_aggregates_both_sides
select coalesce(a.k, b.k) as k, a.c, b.c from (select n_regionkey as k, count(*) as c from nation where n_nationkey < 10 group by n_regionkey) a
full join (select r_regionkey as k, count(*) as c from region where r_regionkey > 1 group by r_regionkey) b on a.k = b.k
---- result
0|2|NULL
1|3|NULL
2|2|1
3|2|1
4|1|1

query join_duplicate_keys_multiply
select a.k, count(*) from (values (1), (1), (2)) as a(k) join (values (1), (1), (1), (2)) as b(k) on a.k = b.k group by a.k
---- result
1|6
2|1

query join_with_decimal_keys
select a.v, b.w from (values (1.50, 'a'), (2.00, 'b')) as a(k, v) join (values (1.5, 'x'), (2.0, 'y'), (3.0, 'z')) as b(k, w) on a.k = b.k
---- result
a|x
b|y

query join_with_date_keys
select count(*) from orders o join lineitem l on o.o_orderdate = l.l_shipdate and o.o_orderkey = l.l_orderkey
---- result
0

query join_with_string_keys
select count(*) from nation a join nation b on substr(a.n_name, 1, 1) = substr(b.n_name, 1, 1)
---- result
51

query join_mixed_key_types
select a.k, b.k from (values (1), (2)) as a(k) join (values (cast(1 as bigint)), (cast(3 as bigint))) as b(k) on a.k = b.k
---- result
1|1

query join_or_condition
select a.x, b.y from (values (1), (2), (3)) as a(x) join (values (1), (3), (5)) as b(y) on a.x = b.y or a.x + 2 = b.y
---- result
1|1
1|3
3|3
3|5

query left_join_empty_right
select n_name, r_name from nation left join (select * from region where r_regionkey < 0) r on n_regionkey = r.r_regionkey where n_nationkey < 3
---- result
ALGERIA|NULL
ARGENTINA|NULL
BRAZIL|NULL

query inner_join_empty_side
select count(*) from nation join (select * from region where r_regionkey < 0) r on n_regionkey = r.r_regionkey
---- result
0

query join_tpch_q3_shape
select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority
from customer, orders, lineitem
where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey
  and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15'
group by l_orderkey, o_orderdate, o_shippriority order by revenue desc, o_orderdate, l_orderkey limit 10
---- result
47714|267010.5894|1995-03-11|0
22276|266351.5562|1995-01-29|0
32965|263768.3414|1995-02-25|0
21956|254541.1285|1995-02-02|0
1637|243512.7981|1995-02-08|0
10916|241320.0814|1995-03-11|0
30497|208566.6969|1995-02-07|0
450|205447.4232|1995-03-05|0
47204|204478.5213|1995-03-13|0
9696|201502.2188|1995-02-20|0

query left_join_on_false
select r_name, n_name from region left join nation on false where r_regionkey < 2
---- result
AFRICA|NULL
AMERICA|NULL

query join_on_true_is_cross
select count(*) from region join nation on true
---- result
125

query full_join_on_false
select count(*), count(a.x), count(b.y) from (values (1), (2)) as a(x) full join (values (3)) as b(y) on false
---- result
3|2|1

query join_three_times_same_table
select a.n_name, b.n_name, c.n_name from nation a join nation b on b.n_nationkey = a.n_nationkey + 1 join nation c on c.n_nationkey = b.n_nationkey + 1 where a.n_nationkey < 3
---- result
ALGERIA|ARGENTINA|BRAZIL
ARGENTINA|BRAZIL|CANADA
BRAZIL|CANADA|EGYPT

query left_join_filter_on_right_in_where_makes_inner
select count(*) from customer left join orders on c_custkey = o_custkey where o_orderstatus = 'F'
---- result
7304

query left_join_coalesce_in_where
select count(*) from customer left join orders on c_custkey = o_custkey and o_orderstatus = 'P' where coalesce(o_orderstatus, 'none') = 'none'
---- result
1196

query right_join_with_residual_and_where
select count(*), count(c_custkey) from customer right join nation on c_nationkey = n_nationkey and c_acctbal > 9000 where n_regionkey = 2
---- result
30|30

query full_join_where_on_both_sides
select a.k, b.k from (values (1), (2), (null)) as a(k) full join (values (2), (3), (null)) as b(k) on a.k = b.k where a.k is null or b.k is null
---- result
1|NULL
NULL|3
NULL|NULL
NULL|NULL

query semi_join_after_outer_join
select count(*) from region left join nation on r_regionkey = n_regionkey where n_nationkey in (select s_nationkey from supplier)
---- result
25

query cross_join_with_aggregate_subquery
select n_name, n_nationkey * 100 / t.total from nation, (select sum(n_nationkey) as total from nation) t where n_nationkey > 22
---- duckdb
select n_name, n_nationkey * 100 // t.total from nation, (select sum(n_nationkey) as total from nation) t where n_nationkey > 22
---- result
UNITED KINGDOM|7
UNITED STATES|8

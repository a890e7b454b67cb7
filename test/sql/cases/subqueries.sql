# Subqueries: scalar (uncorrelated and correlated), IN / NOT IN (with NULLs on either side),
# EXISTS / NOT EXISTS, quantified comparisons (ANY / SOME / ALL), in SELECT, WHERE and HAVING.

query scalar_subquery_in_select
select n_name, (select r_name from region where r_regionkey = 2) from nation where n_nationkey < 3
---- result
ALGERIA|ASIA
ARGENTINA|ASIA
BRAZIL|ASIA

query scalar_subquery_in_where
select n_name from nation where n_regionkey = (select r_regionkey from region where r_name = 'EUROPE')
---- result
FRANCE
GERMANY
ROMANIA
RUSSIA
UNITED KINGDOM

query scalar_subquery_empty_is_null
select (select n_name from nation where n_nationkey = 100), (select max(n_nationkey) from nation where n_nationkey > 100)
---- result
NULL|NULL

query scalar_subquery_aggregate_compare
select count(*) from orders where o_totalprice > (select avg(o_totalprice) from orders)
---- result
7131

query correlated_scalar_subquery_select
select r_name, (select count(*) from nation where n_regionkey = r_regionkey) from region
---- result
AFRICA|5
AMERICA|5
ASIA|5
EUROPE|5
MIDDLE EAST|5

query correlated_scalar_subquery_max
select n_name, (select max(s_acctbal) from supplier where s_nationkey = n_nationkey) from nation where n_regionkey = 1
---- result
ARGENTINA|8179.68
BRAZIL|9365.80
CANADA|9107.22
PERU|7627.85
UNITED STATES|9915.24

query correlated_scalar_no_rows_is_null
select r_regionkey, (select max(n_nationkey) from nation where n_regionkey = r_regionkey and n_nationkey > 20) from region
---- result
0|NULL
1|24
2|21
3|23
4|NULL

query correlated_count_no_rows_is_zero
select r_regionkey, (select count(*) from nation where n_regionkey = r_regionkey and n_nationkey > 20) from region
---- result
0|0
1|1
2|1
3|2
4|0

query correlated_scalar_in_where
select p_partkey, p_retailprice from part p1
where p_retailprice > (select avg(p_retailprice) * 1.5 from part p2 where p2.p_brand = p1.p_brand) and p_size < 10
---- result

query correlated_scalar_tpch_q17_shape
select sum(l_extendedprice) / 7.0 as avg_yearly from lineitem, part
where p_partkey = l_partkey and p_brand = 'Brand#23' and p_container = 'MED BOX'
  and l_quantity < (select 0.2 * avg(l_quantity) from lineitem where l_partkey = p_partkey)
---- result
NULL

query correlated_scalar_non_equality
select n_nationkey, (select count(*) from region where r_regionkey < n_regionkey) from nation where n_nationkey < 8
---- result
0|0
1|1
2|1
3|1
4|4
5|0
6|3
7|3

query in_subquery
select n_name from nation where n_regionkey in (select r_regionkey from region where r_name like 'A%')
---- result
ALGERIA
ARGENTINA
BRAZIL
CANADA
CHINA
ETHIOPIA
INDIA
INDONESIA
JAPAN
KENYA
MOROCCO
MOZAMBIQUE
PERU
UNITED STATES
VIETNAM

query not_in_subquery
select n_name from nation where n_regionkey not in (select r_regionkey from region where r_name like 'A%')
---- result
EGYPT
FRANCE
GERMANY
IRAN
IRAQ
JORDAN
ROMANIA
RUSSIA
SAUDI ARABIA
UNITED KINGDOM

query in_subquery_with_null_in_subquery
select x, x in (select y from (values (1), (null)) as s(y)) from (values (1), (2), (null)) as t(x)
---- result
1|true
2|NULL
NULL|NULL

query not_in_subquery_with_null_in_subquery
select x from (values (1), (2)) as t(x) where x not in (select y from (values (1), (null)) as s(y))
---- result

query not_in_subquery_null_probe
select x, x not in (select y from (values (1), (2)) as s(y)) from (values (1), (3), (null)) as t(x)
---- result
1|false
3|true
NULL|NULL

query not_in_empty_subquery
select x, x not in (select y from (values (1)) as s(y) where y > 5) from (values (1), (null)) as t(x)
---- result
1|true
NULL|true

query in_subquery_as_value
select n_nationkey, n_nationkey in (select s_nationkey from supplier where s_acctbal > 9000) from nation where n_nationkey < 6
---- result
0|true
1|false
2|true
3|true
4|false
5|false

query correlated_in_subquery
select o_orderkey from orders where o_orderkey < 100 and o_custkey in (select c_custkey from customer where c_nationkey = o_orderkey % 25)
---- result

query exists_subquery
select r_name from region where exists (select * from nation where n_regionkey = r_regionkey and n_name like 'C%')
---- result
AMERICA
ASIA

query not_exists_subquery
select r_name from region where not exists (select * from nation where n_regionkey = r_regionkey and n_name like 'C%')
---- result
AFRICA
EUROPE
MIDDLE EAST

query exists_uncorrelated
select count(*) from nation where exists (select 1 from region where r_regionkey = 4)
---- result
25

query not_exists_uncorrelated_empty
select count(*) from nation where not exists (select 1 from region where r_regionkey = 40)
---- result
25

query exists_with_extra_correlated_condition
select count(*) from orders o where exists (
  select * from lineitem l where l.l_orderkey = o.o_orderkey and l.l_commitdate < l.l_receiptdate and l.l_suppkey <> o.o_custkey)
---- result
13771

query exists_tpch_q21_shape
select count(*) from lineitem l1 where l1.l_receiptdate > l1.l_commitdate
  and exists (select * from lineitem l2 where l2.l_orderkey = l1.l_orderkey and l2.l_suppkey <> l1.l_suppkey)
  and not exists (select * from lineitem l3 where l3.l_orderkey = l1.l_orderkey and l3.l_suppkey <> l1.l_suppkey and l3.l_receiptdate > l3.l_commitdate)
---- result
2124

query exists_as_value
select r_regionkey, exists (select * from nation where n_regionkey = r_regionkey and n_nationkey > 20) from region
---- result
0|false
1|true
2|true
3|true
4|false

query any_comparison
select n_nationkey from nation where n_nationkey > any (select r_regionkey * 5 from region where r_regionkey > 3)
---- result
21
22
23
24

query some_comparison
select n_nationkey from nation where n_nationkey = some (select r_regionkey from region)
---- result
0
1
2
3
4

query all_comparison
select n_nationkey from nation where n_nationkey > all (select r_regionkey * 5 from region where r_regionkey < 4)
---- result
16
17
18
19
20
21
22
23
24

query all_comparison_empty_is_true
select count(*) from nation where n_nationkey > all (select r_regionkey from region where r_regionkey > 100)
---- result
25

query all_with_null_is_unknown
select x, x > all (select y from (values (1), (null)) as s(y)), x < any (select y from (values (5), (null)) as s(y)) from (values (3), (7)) as t(x)
---- result
3|NULL|true
7|NULL|NULL

query not_equal_all_is_not_in
select x, x <> all (select y from (values (1), (2)) as s(y)) from (values (1), (3)) as t(x)
---- result
1|false
3|true

query subquery_in_having
select n_regionkey, count(*) from nation group by n_regionkey having count(*) >= (select count(*) / 5 from nation)
---- result
0|5
1|5
2|5
3|5
4|5

query subquery_in_from_with_aggregate
select max(c), min(c) from (select o_custkey, count(*) as c from orders group by o_custkey) t
---- result
32|2

query nested_subqueries
select s_name from supplier where s_nationkey in (
  select n_nationkey from nation where n_regionkey in (select r_regionkey from region where r_name = 'ASIA')) and s_acctbal > 8000
---- result

query correlated_two_levels
select r_name from region where exists (
  select * from nation where n_regionkey = r_regionkey and exists (select * from supplier where s_nationkey = n_nationkey and s_acctbal < -900))
---- result
EUROPE
MIDDLE EAST

query scalar_subquery_arithmetic
select (select count(*) from region) * 10 + (select count(*) from nation)
---- result
75

query correlated_subquery_tpch_q2_shape
select s_name, p_partkey from part, supplier, partsupp, nation, region
where p_partkey = ps_partkey and s_suppkey = ps_suppkey and p_size = 15 and p_type like '%BRASS'
  and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'EUROPE'
  and ps_supplycost = (select min(ps_supplycost) from partsupp, supplier, nation, region
    where p_partkey = ps_partkey and s_suppkey = ps_suppkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'EUROPE')
---- result
Supplier#000000017|1634
Supplier#000000052|323
Supplier#000000077|249
Supplier#000000086|1015

query in_subquery_multiple_matches_no_duplicates
select count(*) from customer where c_custkey in (select o_custkey from orders)
---- result
1000

query in_subquery_decimal_values
select count(*) from part where p_retailprice in (select ps_supplycost from partsupp)
---- result
11

query exists_over_aggregate_is_always_true
# an aggregation without GROUP BY returns one row even over no input
select count(*) from region where exists (select count(*) from nation where n_regionkey = r_regionkey and n_nationkey > 100)
---- result
5

query exists_in_disjunction
select n_name from nation where n_regionkey = 0 or exists (select * from supplier where s_nationkey = n_nationkey and s_acctbal > 9900)
---- result
ALGERIA
ETHIOPIA
KENYA
MOROCCO
MOZAMBIQUE
UNITED STATES

query in_subquery_in_disjunction
select n_nationkey from nation where n_nationkey < 2 or n_nationkey in (select r_regionkey * 6 from region)
---- result
0
1
12
18
24
6

query scalar_subquery_in_case
select n_name, case when n_nationkey > (select count(*) from region) * 4 then 'late' else 'early' end from nation where n_nationkey between 18 and 22
---- result
CHINA|early
ROMANIA|early
RUSSIA|late
SAUDI ARABIA|early
VIETNAM|late

query correlated_in_in_select_list
select r_regionkey, r_regionkey in (select n_regionkey from nation where n_nationkey > r_regionkey * 5) from region
---- result
0|true
1|true
2|true
3|true
4|false

query correlated_not_in
select r_regionkey from region where r_regionkey not in (select n_regionkey from nation where n_nationkey < r_regionkey * 3)
---- result
0
2

query correlated_quantified_all
select r_regionkey from region where r_regionkey * 6 >= all (select n_nationkey from nation where n_regionkey = r_regionkey)
---- result
4

query correlated_scalar_order_by_limit
select c_custkey, (select o_orderkey from orders where o_custkey = c_custkey order by o_totalprice desc, o_orderkey limit 1) from customer where c_custkey < 6
---- result
1|9154
2|38276
3|NULL
4|26407
5|7141

query in_subquery_integer_vs_bigint
select count(*) from nation where n_nationkey in (select c_custkey from customer)
---- result
24

query correlated_subquery_in_having
select n_regionkey, count(*) from nation n1 group by n_regionkey
having count(*) = (select count(*) from nation n2 where n2.n_regionkey = n1.n_regionkey)
---- result
0|5
1|5
2|5
3|5
4|5

query exists_with_limit_inside
select count(*) from region where exists (select * from nation where n_regionkey = r_regionkey limit 1)
---- result
5

query correlated_two_levels_up_is_refused_by_name
select n_name from nation n where exists (select 1 from region r where r.r_regionkey = n.n_regionkey
  and exists (select 1 from nation n2 where n2.n_nationkey = n.n_nationkey))
---- error NOT_SUPPORTED at 2:62 : nested more than one level deep

query nested_subqueries_each_correlated_one_level
# region 4 has no nation 25: its nations drop out
select n_name from nation n where exists (select 1 from region r where r.r_regionkey = n.n_regionkey
  and exists (select 1 from nation n2 where n2.n_nationkey = r.r_regionkey + 21))
---- result
ALGERIA
ARGENTINA
BRAZIL
CANADA
CHINA
ETHIOPIA
FRANCE
GERMANY
INDIA
INDONESIA
JAPAN
KENYA
MOROCCO
MOZAMBIQUE
PERU
ROMANIA
RUSSIA
UNITED KINGDOM
UNITED STATES
VIETNAM

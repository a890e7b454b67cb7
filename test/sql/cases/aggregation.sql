# GROUP BY (columns, expressions, ordinals), HAVING, DISTINCT, count(DISTINCT) and the other
# aggregates: sum, avg, min, max, stddev / variance, bool_and / bool_or, count_if, arbitrary,
# approx_distinct; grouping sets, ROLLUP and CUBE; aggregates without GROUP BY.

query group_by_column
select n_regionkey, count(*) from nation group by n_regionkey
---- result
0|5
1|5
2|5
3|5
4|5

query group_by_ordinal
select o_orderstatus, o_orderpriority, count(*) from orders group by 1, 2
---- result
F|1-URGENT|1468
F|2-HIGH|1483
F|3-MEDIUM|1445
F|4-NOT SPECIFIED|1465
F|5-LOW|1443
O|1-URGENT|1488
O|2-HIGH|1506
O|3-MEDIUM|1421
O|4-NOT SPECIFIED|1482
O|5-LOW|1436
P|1-URGENT|64
P|2-HIGH|76
P|3-MEDIUM|75
P|4-NOT SPECIFIED|77
P|5-LOW|71

query group_by_expression
select o_totalprice > 200000, count(*) from orders group by o_totalprice > 200000
---- result
false|11190
true|3810

query group_by_expression_not_selected
select count(*), sum(o_totalprice) from orders group by extract(year from o_orderdate)
---- result
1346|187332505.06
2204|316087761.96
2256|321004444.51
2287|320228729.28
2297|324484240.54
2303|328991800.37
2307|329267348.30

query group_by_alias_like_expression
select substr(c_phone, 1, 2) as country, count(*), avg(c_acctbal) from customer group by substr(c_phone, 1, 2)
---- result
10|61|4068.5277049180327
11|59|4850.90406779661
12|68|3635.298088235294
13|69|4116.115797101449
14|66|4128.48696969697
15|57|3539.6661403508774
16|36|3907.311111111111
17|57|4280.099298245614
18|60|4566.697
19|66|4971.41106060606
20|72|4206.755138888889
21|58|4613.1560344827585
22|67|4962.463880597015
23|54|4185.999629629629
24|50|4901.11
25|72|5484.469861111111
26|62|4584.807258064516
27|56|4301.278571428571
28|58|5032.121551724138
29|64|3941.03625
30|67|5495.691940298508
31|58|4712.100172413793
32|59|4321.541016949152
33|56|3828.29
34|48|4297.535833333333

query group_by_many_keys
select l_returnflag, l_linestatus, l_shipmode, count(*), sum(l_quantity) from lineitem group by l_returnflag, l_linestatus, l_shipmode
---- result
A|F|AIR|2139|55416.00
A|F|FOB|2084|52981.00
A|F|MAIL|2145|54787.00
A|F|RAIL|2094|53334.00
A|F|REG AIR|2139|54568.00
A|F|SHIP|2075|53549.00
A|F|TRUCK|2200|55821.00
N|F|AIR|31|741.00
N|F|FOB|57|1473.00
N|F|MAIL|51|1270.00
N|F|RAIL|53|1315.00
N|F|REG AIR|62|1683.00
N|F|SHIP|49|1246.00
N|F|TRUCK|45|1243.00
N|O|AIR|4248|106789.00
N|O|FOB|4297|108446.00
N|O|MAIL|4295|109000.00
N|O|RAIL|4332|110780.00
N|O|REG AIR|4348|110708.00
N|O|SHIP|4232|109300.00
N|O|TRUCK|4297|110228.00
R|F|AIR|2073|53385.00
R|F|FOB|2203|56665.00
R|F|MAIL|2178|56471.00
R|F|RAIL|2087|52381.00
R|F|REG AIR|2067|52056.00
R|F|SHIP|2126|53874.00
R|F|TRUCK|2168|56617.00

query group_by_high_cardinality
select count(*), sum(c), max(c) from (select l_orderkey, count(*) as c from lineitem group by l_orderkey) t
---- result
15000|60175|7

query group_by_key_distribution
select c, count(*) from (select o_custkey, count(*) as c from orders group by o_custkey) t group by c
---- result
10|63
11|67
12|63
13|50
14|57
15|45
16|42
17|40
18|42
19|36
20|55
21|44
22|36
23|25
24|36
25|21
26|17
27|16
28|6
29|6
2|2
30|4
31|1
32|5
3|2
4|6
5|13
6|32
7|43
8|62
9|63

query having_filter
select n_regionkey, count(*) from nation group by n_regionkey having count(*) > 4
---- result
0|5
1|5
2|5
3|5
4|5

query having_on_aggregate_not_selected
select o_custkey from orders group by o_custkey having sum(o_totalprice) > 1500000
---- result
(706 rows, sha256 d9170bf187552c71)

query having_with_group_key
select n_regionkey, sum(n_nationkey) from nation group by n_regionkey having n_regionkey in (1, 3) and sum(n_nationkey) > 40
---- result
1|47
3|77

query having_without_group_by
select count(*) from nation having count(*) > 10
---- result
25

query having_without_group_by_false
select count(*) from nation having count(*) > 100
---- result

query select_distinct
select distinct n_regionkey from nation
---- result
0
1
2
3
4

query select_distinct_expressions
select distinct o_orderstatus, o_orderpriority = '1-URGENT' from orders
---- result
F|false
F|true
O|false
O|true
P|false
P|true

query count_distinct
select count(distinct o_custkey), count(distinct o_orderstatus), count(*) from orders
---- result
1000|3|15000

query count_distinct_grouped
select o_orderstatus, count(distinct o_custkey), count(distinct o_clerk) from orders group by o_orderstatus
---- result
F|996|1000
O|998|1000
P|304|310

query count_distinct_with_other_aggregates
select l_returnflag, count(distinct l_suppkey), sum(l_quantity), count(distinct l_partkey), max(l_discount) from lineitem group by l_returnflag
---- result
A|100|380456.00|1999|0.10
N|100|774222.00|2000|0.10
R|100|381449.00|1997|0.10

query sum_distinct_avg_distinct
select sum(distinct l_quantity), avg(distinct l_linenumber), count(distinct l_quantity) from lineitem
---- result
1275.00|4|50

query distinct_count_of_pairs
select count(*) from (select distinct l_returnflag, l_linestatus, l_shipmode from lineitem) t
---- result
28

query min_max_types
select min(o_orderdate), max(o_orderdate), min(o_clerk), max(o_clerk), min(o_totalprice), max(o_totalprice), min(o_orderkey), max(o_orderkey) from orders
---- result
1992-01-01|1998-08-02|Clerk#000000001|Clerk#000001000|874.89|466001.28|1|60000

query stddev_variance
select stddev(l_quantity), stddev_samp(l_quantity), stddev_pop(l_quantity), variance(l_quantity), var_samp(l_quantity), var_pop(l_quantity) from lineitem
---- result
14.406572645801111|14.406572645801111|14.406452939673157|207.54933539874483|207.54933539874483|207.54588630301737

query stddev_single_row
select stddev(x), stddev_pop(x), variance(x), var_pop(x) from (values (5e0)) as t(x)
---- result
NULL|0|NULL|0

query stddev_grouped_doubles
select k, stddev(v), variance(v) from (values (1, 1e0), (1, 2e0), (1, 4e0), (2, 10e0), (2, 10e0)) as t(k, v) group by k
---- result
1|1.5275252316519465|2.333333333333333
2|0|0

query bool_and_bool_or
select o_orderstatus, bool_and(o_totalprice > 1000), bool_or(o_totalprice > 400000) from orders group by o_orderstatus
---- result
F|false|true
O|false|true
P|true|false

query count_if
select count_if(l_discount > 0.05), count_if(l_returnflag = 'R') from lineitem
---- result
27187|14902

query arbitrary_single_value
select n_regionkey, arbitrary(r_name) from nation join region on n_regionkey = r_regionkey group by n_regionkey
---- duckdb
select n_regionkey, any_value(r_name) from nation join region on n_regionkey = r_regionkey group by n_regionkey
---- result
0|AFRICA
1|AMERICA
2|ASIA
3|EUROPE
4|MIDDLE EAST

query approx_distinct_small
select approx_distinct(n_regionkey), approx_distinct(n_name) from nation
---- duckdb
select count(distinct n_regionkey), count(distinct n_name) from nation
---- result
5|25

query aggregate_of_expression
select sum(l_extendedprice * l_discount), avg(l_quantity * 2), max(l_tax + l_discount) from lineitem
---- result
107054818.3761|51.055321977565434|0.18

query aggregate_in_expression
select count(*) * 2, sum(n_nationkey) / count(*), max(n_nationkey) - min(n_nationkey) from nation
---- duckdb
select count(*) * 2, sum(n_nationkey) // count(*), max(n_nationkey) - min(n_nationkey) from nation
---- result
50|12|24

query aggregate_with_filter_clause
select count(*) filter (where o_orderstatus = 'F'), sum(o_totalprice) filter (where o_orderpriority = '1-URGENT') from orders
---- result
7304|426348805.57

query aggregate_no_rows_global
select count(*), sum(o_totalprice), avg(o_totalprice), max(o_orderdate), bool_and(true) from orders where o_orderkey < 0
---- result
0|NULL|NULL|NULL|NULL

query avg_of_integers_is_double
select avg(x) from (values (1), (2), (2)) as t(x)
---- result
1.6666666666666667

query avg_of_bigint_large
select avg(x) from (values (cast(9007199254740993 as bigint)), (cast(9007199254740995 as bigint))) as t(x)
---- result
9007199254740994

query grouping_sets
select o_orderstatus, o_orderpriority, count(*) from orders group by grouping sets ((o_orderstatus), (o_orderpriority), ())
---- result
F|NULL|7304
NULL|1-URGENT|3020
NULL|2-HIGH|3065
NULL|3-MEDIUM|2941
NULL|4-NOT SPECIFIED|3024
NULL|5-LOW|2950
NULL|NULL|15000
O|NULL|7333
P|NULL|363

query rollup
select l_returnflag, l_linestatus, count(*), sum(l_quantity) from lineitem group by rollup (l_returnflag, l_linestatus)
---- result
A|F|14876|380456.00
A|NULL|14876|380456.00
NULL|NULL|60175|1536127.00
N|F|348|8971.00
N|NULL|30397|774222.00
N|O|30049|765251.00
R|F|14902|381449.00
R|NULL|14902|381449.00

query cube
select o_orderstatus, o_shippriority, count(*) from orders group by cube (o_orderstatus, o_shippriority)
---- result
F|0|7304
F|NULL|7304
NULL|0|15000
NULL|NULL|15000
O|0|7333
O|NULL|7333
P|0|363
P|NULL|363

query grouping_function
select n_regionkey, grouping(n_regionkey), count(*) from nation group by rollup (n_regionkey)
---- result
0|0|5
1|0|5
2|0|5
3|0|5
4|0|5
NULL|1|25

query group_by_with_nulls_and_having
select k, count(*) from (values (1), (null), (null), (2), (2)) as t(k) group by k having count(*) > 1
---- result
2|2
NULL|2

query nested_aggregation_subquery
select avg(c), max(c) from (select n_regionkey, count(*) as c from nation group by n_regionkey) t
---- result
5|5

query group_by_decimal_key
select l_discount, count(*) from lineitem group by l_discount
---- result
0.00|5419
0.01|5526
0.02|5497
0.03|5540
0.04|5444
0.05|5562
0.06|5407
0.07|5354
0.08|5479
0.09|5494
0.10|5453

query group_by_date_key
select o_orderdate, count(*) from orders where o_orderdate < date '1992-01-10' group by o_orderdate
---- result
1992-01-01|9
1992-01-02|5
1992-01-03|8
1992-01-04|11
1992-01-05|7
1992-01-06|9
1992-01-07|3
1992-01-08|5
1992-01-09|9

query group_by_boolean_key
select o_orderstatus = 'F', count(*), sum(o_totalprice) from orders group by 1
---- result
false|7696|1091715806.53
true|7304|1035681023.49

query tpch_q1
select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price,
       sum(l_extendedprice * (1 - l_discount)) as sum_disc_price, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
       avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc, count(*) as count_order
from lineitem where l_shipdate <= date '1998-12-01' - interval '90' day
group by l_returnflag, l_linestatus order by l_returnflag, l_linestatus
---- result
A|F|380456.00|532348211.65|505822441.4861|526165934.000839|25.575154611454693|35785.70930693735|0.05008133906964238|14876
N|F|8971.00|12384801.37|11798257.2080|12282485.056933|25.778735632183906|35588.50968390804|0.047758620689655175|348
N|O|742802.00|1041502841.45|989737518.6346|1029418531.523350|25.45498783454988|35691.129209074395|0.04993111956409993|29181
R|F|381449.00|534594445.35|507996454.4067|528524219.358903|25.597168165346933|35874.00653268018|0.049827539927526504|14902

query distinct_on_all_tpch_flags
select distinct o_orderstatus from orders order by o_orderstatus
---- result
F
O
P

query group_by_empty_grouping_set
select count(*), max(n_name) from nation group by ()
---- result
25|VIETNAM

query avg_decimal_38_overflowing_sum
# the sum of the two values overflows decimal(38,0), their average does not
select avg(x) from (values (cast('90000000000000000000000000000000000000' as decimal(38,0))), (cast('90000000000000000000000000000000000000' as decimal(38,0)))) as t(x)
---- trino: Trino's decimal average tracks the overflow of its sum
90000000000000000000000000000000000000

query order_by_aggregate_not_selected
select n_regionkey from nation group by n_regionkey order by count(*) desc, max(n_name)
---- result
0
4
3
1
2

query having_aggregate_not_selected_with_alias
select o_orderstatus as s, count(*) as c from orders group by o_orderstatus having avg(o_totalprice) > 100000 and min(o_orderdate) < date '1993-01-01'
---- result
F|7304

query aggregate_on_outer_join_padding
select r_name, count(*), count(n_nationkey), sum(n_nationkey), avg(n_nationkey) from region left join nation on r_regionkey = n_regionkey and n_nationkey > 20 group by r_name
---- result
AFRICA|1|0|NULL|NULL
AMERICA|1|1|24|24
ASIA|1|1|21|21
EUROPE|2|2|45|22.5
MIDDLE EAST|1|0|NULL|NULL

query count_distinct_multiple_columns_via_subquery
select count(*) from (select distinct o_orderstatus, o_orderpriority, o_shippriority from orders) t
---- result
15

query distinct_aggregate_with_group_and_having
select o_orderpriority, count(distinct o_custkey) as c from orders group by o_orderpriority having count(distinct o_custkey) > 900
---- result
1-URGENT|923
2-HIGH|932
3-MEDIUM|929
4-NOT SPECIFIED|921
5-LOW|922

query global_aggregate_over_empty_join
select count(*), sum(l_quantity), max(o_orderdate) from orders join lineitem on o_orderkey = l_orderkey where o_orderkey < 0
---- result
0|NULL|NULL

query sum_of_doubles
select sum(x), avg(x) from (values (0.1e0), (0.2e0), (0.3e0)) as t(x)
---- result
0.6000000000000001|0.20000000000000004

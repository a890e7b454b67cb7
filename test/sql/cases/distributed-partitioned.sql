-- session join_distribution_type=PARTITIONED
-- session hash_partition_count=5
# Heavier queries with every join hash-partitioned over 5 partitions: partial and final
# aggregation, count(DISTINCT), outer joins, semi joins and windows whose rows meet across tasks.

query partitioned_inner_join_aggregate
select o_orderpriority, count(*), sum(l_extendedprice), min(l_shipdate) from orders join lineitem on o_orderkey = l_orderkey group by o_orderpriority
---- result
1-URGENT|12014|431454298.56|1992-01-06
2-HIGH|12265|439415634.09|1992-01-04
3-MEDIUM|11808|420022904.39|1992-01-09
4-NOT SPECIFIED|12185|433178436.55|1992-01-13
5-LOW|11903|428118486.88|1992-01-11

query partitioned_left_join_padded_nulls
select count(*), count(o_orderkey), count(distinct c_custkey), sum(o_totalprice) from customer left join orders on c_custkey = o_custkey and o_orderstatus = 'F'
---- result
7808|7304|1500|1035681023.49

query partitioned_right_join
select count(*), count(c_custkey) from customer right join orders on c_custkey = o_custkey and c_mktsegment = 'MACHINERY'
---- result
15000|2536

query partitioned_full_join
select count(*), count(p_partkey), count(ps_partkey) from (select * from part where p_size < 20) p full join (select * from partsupp where ps_availqty < 5000) ps on p_partkey = ps_partkey
---- result
4044|1537|3996

query partitioned_full_join_null_keys
select count(*), count(a.k), count(b.k) from (select case when o_orderkey % 3 = 0 then null else o_custkey end as k from orders) a
full join (select case when c_custkey % 4 = 0 then null else c_custkey end as k from customer) b on a.k = b.k
---- result
15750|10000|7858

query partitioned_join_then_group_by_same_key
select l_orderkey, count(*), sum(l_quantity) from lineitem join orders on l_orderkey = o_orderkey where o_orderdate < date '1992-02-01' group by l_orderkey
---- result
(203 rows, sha256 6ce613c0f68994fc)

query partitioned_count_distinct_large
select count(distinct l_orderkey), count(distinct l_partkey), count(distinct l_suppkey), count(distinct l_comment) from lineitem
---- result
15000|2000|100|58616

query partitioned_group_by_many_groups
select count(*), sum(s), min(s), max(s) from (select l_partkey, l_suppkey, sum(l_quantity) as s from lineitem group by l_partkey, l_suppkey) t
---- result
7996|1536127.00|2.00|617.00

query partitioned_semi_join_large
select count(*) from orders where o_orderkey in (select l_orderkey from lineitem where l_quantity > 49)
---- result
1143

query partitioned_anti_join_with_nulls
select count(*) from orders where o_custkey not in (select case when c_custkey = 7 then null else c_custkey end from customer where c_acctbal > 9000)
---- result
0

query partitioned_anti_join_without_nulls
select count(*) from orders where o_custkey not in (select c_custkey from customer where c_acctbal > 9000)
---- result
13798

query partitioned_exists_large
select count(*) from customer where exists (select * from orders where o_custkey = c_custkey and o_totalprice > 300000)
---- result
403

query partitioned_not_exists_large
select count(*) from customer where not exists (select * from orders where o_custkey = c_custkey)
---- result
500

query partitioned_correlated_scalar
select count(*) from part where p_retailprice > (select avg(l_extendedprice) / 30 from lineitem where l_partkey = p_partkey)
---- result
1885

query partitioned_window_over_large_partitions
select l_shipmode, count(*), max(rn), sum(running) from (
  select l_shipmode, row_number() over (partition by l_shipmode order by l_orderkey, l_linenumber) as rn,
         sum(l_quantity) over (partition by l_shipmode order by l_orderkey, l_linenumber rows between unbounded preceding and current row) as running
  from lineitem) t group by l_shipmode
---- result
AIR|8491|8491|916276174.00
FOB|8641|8641|947157718.00
MAIL|8669|8669|957940409.00
RAIL|8566|8566|934782248.00
REG AIR|8616|8616|944380313.00
SHIP|8482|8482|922757621.00
TRUCK|8710|8710|975132505.00

query partitioned_window_rank_many_partitions
select count(*), sum(r) from (select rank() over (partition by o_custkey order by o_totalprice desc) as r from orders) t
---- result
15000|139210

query partitioned_union_distinct_large
select count(*) from (select l_partkey as k from lineitem union select ps_partkey from partsupp union select p_partkey from part) t
---- result
2000

query partitioned_intersect_except_large
select (select count(*) from (select l_suppkey from lineitem intersect select ps_suppkey from partsupp where ps_availqty > 9000) a),
       (select count(*) from (select o_custkey from orders except select c_custkey from customer where c_acctbal > 0) b)
---- result
100|100

query partitioned_tpch_q13_shape
select c_count, count(*) as custdist from (
  select c_custkey, count(o_orderkey) as c_count from customer left outer join orders on c_custkey = o_custkey and o_comment not like '%special%requests%'
  group by c_custkey) as c_orders
group by c_count order by custdist desc, c_count desc
---- result
0|500
11|68
10|64
12|62
9|62
8|61
14|54
13|52
7|49
20|48
21|47
16|46
15|45
19|44
17|41
18|38
22|33
6|33
24|30
23|27
25|21
27|17
26|15
5|14
28|6
4|6
32|5
29|5
30|2
3|2
31|1
2|1
1|1

query partitioned_sort_large
select l_orderkey, l_linenumber, l_extendedprice from lineitem order by l_extendedprice desc, l_orderkey, l_linenumber limit 50
---- result
(50 rows, sha256 a65a2e1e48c94f90)

query partitioned_decimal_sums_across_tasks
select l_shipmode, sum(l_extendedprice * 100000000 * (1 - l_discount)), avg(l_extendedprice * (1 + l_tax)) from lineitem group by l_shipmode
---- result
AIR|28811912688430000.0000|37150.43717512661
FOB|29223164252680000.0000|36997.81068639046
MAIL|29505734773320000.0000|37265.1180798362
RAIL|28993576820110000.0000|37053.07766536306
REG AIR|29150852539580000.0000|37069.80578682684
SHIP|29068556029930000.0000|37482.31395499882
TRUCK|29759697105340000.0000|37410.06351610792

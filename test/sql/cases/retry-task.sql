-- session retry_policy=TASK
-- session join_distribution_type=BROADCAST
# The same engine under retry policy TASK (every stage spooled and committed by attempt) with
# broadcast joins: results must not change.

query task_broadcast_join_aggregate
select n_name, count(*), sum(c_acctbal) from customer join nation on c_nationkey = n_nationkey group by n_name
---- result
ALGERIA|61|248180.19
ARGENTINA|59|286203.34
BRAZIL|68|247200.27
CANADA|69|284011.99
CHINA|58|291863.05
EGYPT|66|272480.14
ETHIOPIA|57|201760.97
FRANCE|36|140663.20
GERMANY|57|243965.66
INDIA|60|274001.82
INDONESIA|66|328113.13
IRAN|72|302886.37
IRAQ|58|267563.05
JAPAN|67|332485.08
JORDAN|54|226043.98
KENYA|50|245055.50
MOROCCO|72|394881.83
MOZAMBIQUE|62|284258.05
PERU|56|240871.60
ROMANIA|64|252226.32
RUSSIA|59|254970.92
SAUDI ARABIA|67|368211.36
UNITED KINGDOM|56|214384.24
UNITED STATES|48|206281.72
VIETNAM|58|273301.81

query task_left_join_broadcast
select r_name, count(s_suppkey) from region left join nation on r_regionkey = n_regionkey left join supplier on s_nationkey = n_nationkey and s_acctbal > 5000 group by r_name
---- result
AFRICA|7
AMERICA|9
ASIA|9
EUROPE|10
MIDDLE EAST|3

query task_three_stage_query
select o_orderpriority, count(*) from orders where exists (select * from lineitem where l_orderkey = o_orderkey and l_commitdate < l_receiptdate)
and o_orderdate >= date '1993-07-01' and o_orderdate < date '1993-10-01' group by o_orderpriority order by o_orderpriority
---- result
1-URGENT|93
2-HIGH|103
3-MEDIUM|109
4-NOT SPECIFIED|102
5-LOW|128

query task_window_and_sort
select o_custkey, o_orderkey, rank() over (partition by o_custkey order by o_orderdate, o_orderkey) as r from orders where o_custkey < 30 order by o_custkey, r
---- result
(317 rows, sha256 8c4a3e4c24d48157)

query task_union_all_aggregates
select k, sum(c) from (select l_returnflag as k, count(*) as c from lineitem group by l_returnflag union all select o_orderstatus, count(*) from orders group by o_orderstatus) t group by k
---- result
A|14876
F|7304
N|30397
O|7333
P|363
R|14902

query task_scalar_subquery
select count(*) from lineitem where l_extendedprice > (select avg(l_extendedprice) * 2 from lineitem)
---- result
4131

query task_division_by_zero_fails_once
select sum(l_quantity / (l_linenumber - 1)) from lineitem
---- error DIVISION_BY_ZERO

query task_empty_result
select * from orders where o_orderkey < 0
---- result

query task_count_distinct
select count(distinct o_clerk), count(distinct o_custkey) from orders
---- result
1000|1000

query task_tpch_q18_shape
select c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity) from customer, orders, lineitem
where o_orderkey in (select l_orderkey from lineitem group by l_orderkey having sum(l_quantity) > 300)
  and c_custkey = o_custkey and o_orderkey = l_orderkey
group by c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice order by o_totalprice desc, o_orderdate, o_orderkey limit 100
---- result
Customer#000000667|667|29158|1995-10-21|439687.23|305.00
Customer#000000178|178|6882|1997-04-09|422359.65|303.00

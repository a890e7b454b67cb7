# Window functions: row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag/lead,
# first_value/last_value/nth_value and aggregates OVER (PARTITION BY … ORDER BY … frame), with
# ROWS and RANGE frames, over the TPC-H tables and inline rows with NULLs and ties.

query row_number_partitioned
select n_name, n_regionkey, row_number() over (partition by n_regionkey order by n_name) from nation
---- result
ALGERIA|0|1
ARGENTINA|1|1
BRAZIL|1|2
CANADA|1|3
CHINA|2|1
EGYPT|4|1
ETHIOPIA|0|2
FRANCE|3|1
GERMANY|3|2
INDIA|2|2
INDONESIA|2|3
IRAN|4|2
IRAQ|4|3
JAPAN|2|4
JORDAN|4|4
KENYA|0|3
MOROCCO|0|4
MOZAMBIQUE|0|5
PERU|1|4
ROMANIA|3|3
RUSSIA|3|4
SAUDI ARABIA|4|5
UNITED KINGDOM|3|5
UNITED STATES|1|5
VIETNAM|2|5

query row_number_whole_table
select n_nationkey, row_number() over (order by n_name desc) from nation
---- result
0|25
10|14
11|13
12|12
13|11
14|10
15|9
16|8
17|7
18|21
19|6
1|24
20|4
21|1
22|5
23|3
24|2
2|23
3|22
4|20
5|19
6|18
7|17
8|16
9|15

query rank_dense_rank_with_ties
select v, rank() over (order by v), dense_rank() over (order by v), row_number() over (order by v, id)
from (values (1, 10), (2, 20), (3, 20), (4, 30), (5, 10)) as t(id, v)
---- result
10|1|1|1
10|1|1|2
20|3|2|3
20|3|2|4
30|5|3|5

query percent_rank_cume_dist
select v, percent_rank() over (order by v), cume_dist() over (order by v) from (values (10), (20), (20), (30)) as t(v)
---- result
10|0|0.25
20|0.3333333333333333|0.75
20|0.3333333333333333|0.75
30|1|1

query ntile
select id, ntile(3) over (order by id) from (values (1), (2), (3), (4), (5), (6), (7)) as t(id)
---- result
1|1
2|1
3|1
4|2
5|2
6|3
7|3

query lag_lead
select id, lag(id) over (order by id), lead(id) over (order by id), lag(id, 2, -1) over (order by id), lead(id, 3) over (order by id)
from (values (1), (2), (3), (4), (5)) as t(id)
---- result
1|NULL|2|-1|4
2|1|3|-1|5
3|2|4|1|NULL
4|3|5|2|NULL
5|4|NULL|3|NULL

query lag_lead_partitioned
select n_regionkey, n_nationkey, lag(n_nationkey) over (partition by n_regionkey order by n_nationkey),
       lead(n_name) over (partition by n_regionkey order by n_nationkey) from nation
---- result
0|0|NULL|ETHIOPIA
0|14|5|MOROCCO
0|15|14|MOZAMBIQUE
0|16|15|NULL
0|5|0|KENYA
1|17|3|UNITED STATES
1|1|NULL|BRAZIL
1|24|17|NULL
1|2|1|CANADA
1|3|2|PERU
2|12|9|CHINA
2|18|12|VIETNAM
2|21|18|NULL
2|8|NULL|INDONESIA
2|9|8|JAPAN
3|19|7|RUSSIA
3|22|19|UNITED KINGDOM
3|23|22|NULL
3|6|NULL|GERMANY
3|7|6|ROMANIA
4|10|4|IRAQ
4|11|10|JORDAN
4|13|11|SAUDI ARABIA
4|20|13|NULL
4|4|NULL|IRAN

query lag_over_nulls
select id, v, lag(v) over (order by id), lead(v, 1, 0) over (order by id) from (values (1, null), (2, 5), (3, null), (4, 7)) as t(id, v)
---- result
1|NULL|NULL|5
2|5|NULL|NULL
3|NULL|5|7
4|7|NULL|0

query first_last_value
select id, first_value(v) over (order by id), last_value(v) over (order by id),
       last_value(v) over (order by id rows between unbounded preceding and unbounded following)
from (values (1, 'a'), (2, 'b'), (3, 'c')) as t(id, v)
---- result
1|a|a|c
2|a|b|c
3|a|c|c

query nth_value
select id, nth_value(v, 2) over (order by id rows between unbounded preceding and unbounded following), nth_value(v, 2) over (order by id)
from (values (1, 'a'), (2, 'b'), (3, 'c')) as t(id, v)
---- result
1|b|NULL
2|b|b
3|b|b

query running_sum_default_frame
select id, v, sum(v) over (order by id) from (values (1, 10), (2, 20), (3, 30), (4, 40)) as t(id, v)
---- result
1|10|10
2|20|30
3|30|60
4|40|100

query running_sum_range_with_ties
# the default frame is RANGE … CURRENT ROW: peers share the running total
select id, k, sum(id) over (order by k) from (values (1, 1), (2, 1), (3, 2), (4, 3), (5, 3)) as t(id, k)
---- result
1|1|3
2|1|3
3|2|6
4|3|15
5|3|15

query running_sum_rows_with_ties
select id, k, sum(id) over (order by k, id rows between unbounded preceding and current row) from (values (1, 1), (2, 1), (3, 2), (4, 3), (5, 3)) as t(id, k)
---- result
1|1|1
2|1|3
3|2|6
4|3|10
5|3|15

query moving_average_rows_frame
select id, avg(v) over (order by id rows between 1 preceding and 1 following), sum(v) over (order by id rows between 2 preceding and current row)
from (values (1, 10e0), (2, 20e0), (3, 30e0), (4, 40e0), (5, 50e0)) as t(id, v)
---- result
1|15|10
2|20|30
3|30|60
4|40|90
5|45|120

query rows_frame_following_only
select id, sum(id) over (order by id rows between 1 following and 2 following), count(*) over (order by id rows between current row and unbounded following)
from (values (1), (2), (3), (4)) as t(id)
---- result
1|5|4
2|7|3
3|4|2
4|NULL|1

query range_frame_offsets
select k, sum(k) over (order by k range between 2 preceding and current row), count(*) over (order by k range between current row and 1 following)
from (values (1), (2), (3), (5), (8), (8)) as t(k)
---- result
1|1|2
2|3|2
3|6|1
5|8|1
8|16|2
8|16|2

query aggregate_over_partition_no_order
select n_name, n_regionkey, count(*) over (partition by n_regionkey), min(n_nationkey) over (partition by n_regionkey) from nation
---- result
ALGERIA|0|5|0
ARGENTINA|1|5|1
BRAZIL|1|5|1
CANADA|1|5|1
CHINA|2|5|8
EGYPT|4|5|4
ETHIOPIA|0|5|0
FRANCE|3|5|6
GERMANY|3|5|6
INDIA|2|5|8
INDONESIA|2|5|8
IRAN|4|5|4
IRAQ|4|5|4
JAPAN|2|5|8
JORDAN|4|5|4
KENYA|0|5|0
MOROCCO|0|5|0
MOZAMBIQUE|0|5|0
PERU|1|5|1
ROMANIA|3|5|6
RUSSIA|3|5|6
SAUDI ARABIA|4|5|4
UNITED KINGDOM|3|5|6
UNITED STATES|1|5|1
VIETNAM|2|5|8

query aggregate_over_whole_table
select n_nationkey, sum(n_nationkey) over (), max(n_name) over () from nation where n_nationkey < 5
---- result
0|10|EGYPT
1|10|EGYPT
2|10|EGYPT
3|10|EGYPT
4|10|EGYPT

query window_decimal_sum_avg
select o_orderkey, o_custkey, sum(o_totalprice) over (partition by o_custkey order by o_orderkey), avg(o_totalprice) over (partition by o_custkey)
from orders where o_custkey < 5
---- result
(50 rows, sha256 43a1f486108ef644)

query window_partition_with_null_keys
select k, v, sum(v) over (partition by k), row_number() over (partition by k order by v) from (values (null, 1), (null, 2), (1, 3), (1, 4), (2, 5)) as t(k, v)
---- result
1|3|7|1
1|4|7|2
2|5|5|1
NULL|1|3|1
NULL|2|3|2

query window_order_with_nulls
select v, row_number() over (order by v nulls first), rank() over (order by v desc) from (values (3), (null), (1), (null)) as t(v)
---- result
1|3|2
3|4|1
NULL|1|3
NULL|2|3

query window_after_group_by
select n_regionkey, count(*), rank() over (order by count(*) desc, n_regionkey) from nation group by n_regionkey
---- result
0|5|1
1|5|2
2|5|3
3|5|4
4|5|5

query window_with_where_and_order
select c_nationkey, c_custkey, c_acctbal, rank() over (partition by c_nationkey order by c_acctbal desc, c_custkey) as r
from customer where c_nationkey < 3 order by c_nationkey, r limit 10
---- result
0|295|9497.89|1
0|1197|9261.05|2
0|304|9217.55|3
0|318|9149.98|4
0|968|8921.97|5
0|456|8815.78|6
0|842|8635.49|7
0|1128|8123.99|8
0|896|7659.72|9
0|29|7618.27|10

query top_per_group_with_row_number
select * from (select o_custkey, o_orderkey, o_totalprice, row_number() over (partition by o_custkey order by o_totalprice desc, o_orderkey) as rn from orders) t
where rn = 1 and o_custkey < 20
---- result
10|17668|322342.37|1
11|12800|302431.56|1
13|6022|304442.62|1
14|11011|248409.17|1
16|39937|310673.97|1
17|896|248402.10|1
19|17056|267380.45|1
1|9154|357345.46|1
2|38276|201568.55|1
4|26407|275581.07|1
5|7141|271505.25|1
7|14404|354885.81|1
8|13601|256717.52|1

query several_windows_different_specs
select id, sum(id) over (order by id), sum(id) over (order by id desc), count(*) over (partition by id % 2)
from (values (1), (2), (3), (4)) as t(id)
---- result
1|1|10|2
2|3|9|2
3|6|7|2
4|10|4|2

query window_over_lineitem
select l_orderkey, l_linenumber, l_quantity, sum(l_quantity) over (partition by l_orderkey order by l_linenumber rows between unbounded preceding and current row)
from lineitem where l_orderkey < 8
---- result
1|1|17.00|17.00
1|2|36.00|53.00
1|3|8.00|61.00
1|4|28.00|89.00
1|5|24.00|113.00
1|6|32.00|145.00
2|1|38.00|38.00
3|1|45.00|45.00
3|2|49.00|94.00
3|3|27.00|121.00
3|4|2.00|123.00
3|5|28.00|151.00
3|6|26.00|177.00
4|1|30.00|30.00
5|1|15.00|15.00
5|2|26.00|41.00
5|3|50.00|91.00
6|1|37.00|37.00
7|1|12.00|12.00
7|2|9.00|21.00
7|3|46.00|67.00
7|4|28.00|95.00
7|5|38.00|133.00
7|6|35.00|168.00
7|7|5.00|173.00

query window_stddev_min_max
select id, min(v) over (order by id rows between 1 preceding and 1 following), max(v) over (order by id rows between 1 preceding and 1 following),
       stddev(v) over (order by id rows between unbounded preceding and current row)
from (values (1, 4e0), (2, 2e0), (3, 8e0), (4, 6e0)) as t(id, v)
---- result
1|2|4|NULL
2|2|8|1.4142135623730951
3|2|8|3.055050463303893
4|6|8|2.5819888974716108

query window_count_distinct_like_dense_rank
select count(*), max(dr) from (select dense_rank() over (order by p_brand) as dr from part) t
---- result
2000|25

query window_lag_dates
select o_orderkey, o_orderdate, date_diff('day', lag(o_orderdate) over (order by o_orderdate, o_orderkey), o_orderdate)
from orders where o_custkey = 1
---- result
14656|1997-11-18|148
24322|1997-01-29|458
31653|1993-06-05|NULL
34019|1998-03-29|131
36422|1997-03-04|34
43879|1993-08-13|69
52263|1994-05-08|268
53283|1995-10-29|539
9154|1997-06-23|111

query window_ranking_in_order_by
select n_name from nation order by row_number() over (order by n_name desc) limit 3
---- result
VIETNAM
UNITED STATES
UNITED KINGDOM

query range_frame_interval_on_dates
select d, sum(v) over (order by d range between interval '2' day preceding and current row)
from (values (date '2020-01-01', 1), (date '2020-01-02', 2), (date '2020-01-04', 4), (date '2020-01-05', 8)) as t(d, v)
---- result
2020-01-01|1
2020-01-02|3
2020-01-04|6
2020-01-05|12

query groups_frame
select k, sum(k) over (order by k groups between 1 preceding and current row) from (values (1), (1), (2), (3), (3)) as t(k)
---- result
1|2
1|2
2|4
3|8
3|8

query lag_ignore_nulls
select id, lag(v) ignore nulls over (order by id), first_value(v) ignore nulls over (order by id), last_value(v) ignore nulls over (order by id)
from (values (1, null), (2, 5), (3, null), (4, 7)) as t(id, v)
---- duckdb
select id, lag(v ignore nulls) over (order by id), first_value(v ignore nulls) over (order by id), last_value(v ignore nulls) over (order by id)
from (values (1, null), (2, 5), (3, null), (4, 7)) as t(id, v)
---- result
1|NULL|NULL|NULL
2|NULL|5|5
3|5|5|5
4|5|5|7

query ignore_nulls_offsets_partitions_and_frames
select g, id, lag(v, 2) ignore nulls over w, lead(v, 2) ignore nulls over w, lead(v) respect nulls over w,
  nth_value(v, 2) ignore nulls over (w rows between unbounded preceding and unbounded following),
  last_value(v) ignore nulls over (w rows between 1 preceding and 1 following),
  first_value(v) ignore nulls over (w rows between current row and unbounded following)
from (values (1, 1, 10), (1, 2, null), (1, 3, 30), (1, 4, null), (1, 5, 50), (1, 6, 60), (2, 1, null), (2, 2, 20), (2, 3, null)) as t(g, id, v)
window w as (partition by g order by id)
order by g, id
---- duckdb
select g, id, lag(v, 2 ignore nulls) over w, lead(v, 2 ignore nulls) over w, lead(v) over w,
  nth_value(v, 2 ignore nulls) over (w rows between unbounded preceding and unbounded following),
  last_value(v ignore nulls) over (w rows between 1 preceding and 1 following),
  first_value(v ignore nulls) over (w rows between current row and unbounded following)
from (values (1, 1, 10), (1, 2, null), (1, 3, 30), (1, 4, null), (1, 5, 50), (1, 6, 60), (2, 1, null), (2, 2, 20), (2, 3, null)) as t(g, id, v)
window w as (partition by g order by id)
order by g, id
---- result
1|1|NULL|50|NULL|30|10|10
1|2|NULL|50|30|30|30|30
1|3|NULL|60|NULL|30|30|30
1|4|10|60|50|30|50|50
1|5|10|NULL|60|30|60|50
1|6|30|NULL|NULL|30|60|60
2|1|NULL|NULL|20|NULL|20|20
2|2|NULL|NULL|NULL|NULL|20|20
2|3|NULL|NULL|NULL|NULL|20|NULL

query ignore_nulls_on_a_ranking_function
select row_number() ignore nulls over (order by n_nationkey) from nation
---- error NULL_TREATMENT_NOT_ALLOWED at 1:8 : null treatment clause for row_number

query ignore_nulls_on_an_aggregate
select sum(n_nationkey) ignore nulls over () from nation
---- error NULL_TREATMENT_NOT_ALLOWED at 1:8

query ignore_nulls_without_over
select lag(n_nationkey) ignore nulls from nation
---- error SYNTAX_ERROR at 1:38

query nth_value_offset_zero
select nth_value(n_nationkey, 0) over (order by n_nationkey) from nation
---- error INVALID_FUNCTION_ARGUMENT : Offset must be at least 1

query ignore_as_a_column_alias
select n_nationkey ignore from nation where n_nationkey = 3
---- duckdb
select n_nationkey "ignore" from nation where n_nationkey = 3
---- result
3

query lead_offset_zero
select id, lead(id, 0) over (order by id) from (values (1), (2)) as t(id)
---- result
1|1
2|2

query range_frame_decimal_offsets
select x, count(*) over (order by x range between 0.5 preceding and 0.5 following) from (values (1.0), (1.4), (2.0), (3.1)) as t(x)
---- result
1.0|2
1.4|2
2.0|1
3.1|1

query range_frame_with_null_order_keys
# NULLs are peers of each other: the running count includes all NULL rows at once
select k, count(*) over (order by k nulls first), sum(v) over (order by k nulls first range between unbounded preceding and current row)
from (values (null, 1), (1, 2), (null, 4), (2, 8), (2, 16)) as t(k, v)
---- result
1|3|7
2|5|31
2|5|31
NULL|2|5
NULL|2|5

query range_offset_frame_skips_nulls
select k, sum(k) over (order by k range between 1 preceding and 1 following) from (values (1), (2), (null), (4), (5)) as t(k)
---- result
1|3
2|3
4|9
5|9
NULL|NULL

query last_value_default_frame_with_ties
select k, v, last_value(v) over (order by k), first_value(v) over (order by k desc) from (values (1, 'a'), (1, 'b'), (2, 'c')) as t(k, v) where v <> 'b' or k = 1
---- result
1|a|b|c
1|b|b|c
2|c|c|c

query window_single_row_partitions
select n_nationkey, percent_rank() over (partition by n_nationkey order by n_name), cume_dist() over (partition by n_nationkey order by n_name), ntile(4) over (partition by n_nationkey order by n_name)
from nation where n_nationkey < 4
---- result
0|0|1|1
1|0|1|1
2|0|1|1
3|0|1|1

query ntile_more_buckets_than_rows
select id, ntile(5) over (order by id) from (values (1), (2), (3)) as t(id)
---- result
1|1
2|2
3|3

query nth_value_beyond_frame
select id, nth_value(id, 5) over (order by id rows between unbounded preceding and unbounded following) from (values (1), (2), (3)) as t(id)
---- result
1|NULL
2|NULL
3|NULL

query window_over_empty_input
select n_name, row_number() over (order by n_name) from nation where n_nationkey < 0
---- result

query window_sum_unbounded_following
select id, sum(id) over (order by id rows between current row and unbounded following), sum(id) over (order by id range between current row and unbounded following)
from (values (1), (2), (2), (3)) as t(id)
---- result
1|8|8
2|5|7
2|7|7
3|3|3

query window_functions_same_partition_different_orders
select n_regionkey, n_nationkey, row_number() over (partition by n_regionkey order by n_nationkey), row_number() over (partition by n_regionkey order by n_name desc)
from nation
---- result
0|0|1|5
0|14|3|3
0|15|4|2
0|16|5|1
0|5|2|4
1|17|4|2
1|1|1|5
1|24|5|1
1|2|2|4
1|3|3|3
2|12|3|2
2|18|4|5
2|21|5|1
2|8|1|4
2|9|2|3
3|19|3|3
3|22|4|2
3|23|5|1
3|6|1|5
3|7|2|4
4|10|2|4
4|11|3|3
4|13|4|2
4|20|5|1
4|4|1|5

query window_aggregate_of_aggregate
select n_regionkey, sum(count(*)) over (order by n_regionkey), count(*) * 100 / sum(count(*)) over () from nation group by n_regionkey
---- duckdb
select n_regionkey, sum(count(*)) over (order by n_regionkey), count(*) * 100 // sum(count(*)) over () from nation group by n_regionkey
---- result
0|5|20
1|10|20
2|15|20
3|20|20
4|25|20

query window_count_distinct_partition_by_expression
select k, count(*) over (partition by k % 2), avg(k) over (partition by k % 2) from (values (1), (2), (3), (4), (5)) as t(k)
---- result
1|3|3
2|2|3
3|3|3
4|2|3
5|3|3

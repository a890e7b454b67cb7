-- task-memory 256kB
-- session hash_partition_count=2
# Operators whose state is many times the task memory (256kB here) spill to local files: joins of
# every type (grace hash join), semi joins (IN, NOT IN with its NULLs, EXISTS, NOT EXISTS), and the
# rows must be DuckDB's. tpch.tiny's orders (15 000 rows) and lineitem (60 175) are the big sides.

query spill_inner_join
select l_orderkey, l_linenumber, o_orderdate, o_totalprice from lineitem join orders on l_orderkey = o_orderkey where l_linenumber = 1
---- result
(15000 rows, sha256 71a1027ba6e6b4e8)

query spill_left_join_residual
select o_orderkey, o_orderstatus, l_linenumber, l_quantity from orders left join lineitem on o_orderkey = l_orderkey and l_quantity > 48
---- result
(15198 rows, sha256 207181fbb3644a69)

query spill_right_join_residual
select l_orderkey, l_linenumber, o_orderkey from (select * from orders where o_orderkey % 7 <> 0) o right join (select * from lineitem where l_linenumber <= 2) l on o_orderkey = l_orderkey and o_totalprice > 100000
---- result
(27900 rows, sha256 d22d70a9341aba37)

query spill_full_join_residual
select o_orderkey, l_orderkey, l_linenumber from (select * from orders where o_orderkey % 5 <> 0) o full join (select * from lineitem where l_linenumber <= 2) l on o_orderkey = l_orderkey and l_quantity < 30
---- result
(30471 rows, sha256 7af176fdfadadf73)

query spill_semi_in
select o_orderkey, o_custkey from orders where o_orderkey in (select l_orderkey from lineitem where l_quantity > 45)
---- result
(4988 rows, sha256 2abd32d663687292)

query spill_not_in_with_nulls
select o_orderkey from orders where o_orderkey % 100 not in (select nullif(l_linenumber, 7) from lineitem)
---- result

query spill_not_in
select o_orderkey from orders where o_orderkey not in (select l_orderkey from lineitem where l_shipmode = 'AIR')
---- result
(8486 rows, sha256 b1852ef9be5a2c7c)

query spill_in_correlated_mark
select o_orderkey, o_custkey % 100 in (select l_suppkey from lineitem l where l.l_orderkey = o.o_orderkey) from orders o
---- result
(15000 rows, sha256 5756fe59eef1c665)

query spill_exists_residual
select o_orderkey from orders o where exists (select 1 from lineitem l where l.l_orderkey = o.o_orderkey and l.l_commitdate < l.l_receiptdate)
---- result
(13773 rows, sha256 36453bb479f1876d)

query spill_not_exists_residual
select o_orderkey from orders o where not exists (select 1 from lineitem l where l.l_orderkey = o.o_orderkey and l.l_quantity > 40)
---- result
(6718 rows, sha256 8b0870f2f574a3d2)

# windows (external sort, then batches of whole partitions, or one pass over the sorted rows when
# the functions allow: a window without PARTITION BY, one partition of all rows), TopN with a huge count, INTERSECT and EXCEPT ALL (windows)
query spill_window_per_order
select l_orderkey, l_linenumber, row_number() over (partition by l_orderkey order by l_shipdate, l_linenumber) rn, sum(l_quantity) over (partition by l_partkey order by l_orderkey, l_linenumber rows between 2 preceding and current row) s from lineitem
---- result
(60175 rows, sha256 310046f13bd2ad55)

query spill_topn_large
select l_orderkey, l_linenumber, l_comment from lineitem order by l_comment, l_orderkey, l_linenumber limit 20000
---- result
(20000 rows, sha256 b118ad739e70ac22)

query spill_intersect_all
select l_partkey % 50, l_linenumber from lineitem intersect all select ps_partkey % 50, ps_suppkey % 7 from partsupp
---- result
(6880 rows, sha256 2dfd7d47672bc9c5)

query spill_except_all
select l_partkey % 50, l_linenumber from lineitem except all select ps_partkey % 50, ps_suppkey % 7 from partsupp
---- result
(53295 rows, sha256 4f81a45f6ed590b2)

query spill_window_global_top
select l_orderkey, l_linenumber, l_comment, row_number() over (order by l_comment, l_orderkey, l_linenumber) rn from lineitem order by rn desc limit 3
---- result
19010|3|zzle: pending i|60175
49698|3|zzle. furiously regular packages must h|60174
43907|3|zzle slyly against the final, e|60173

query spill_window_global_running
select l_orderkey, l_linenumber, rank() over (order by l_shipdate) r, sum(l_quantity) over (order by l_orderkey) s, lag(l_partkey, 2) over (order by l_orderkey, l_linenumber) p, lead(l_suppkey, 3, -1) over (order by l_orderkey, l_linenumber) n from lineitem
---- result
(60175 rows, sha256 7184024a3ee261c3)

# windows whose partitions (a few, of 15 000 to 60 175 rows) need more than one pass: each goes to
# spill files of its own and is evaluated from there (ntile, percent_rank, cume_dist, frames reaching
# FOLLOWING, first/last/nth_value, lead and lag by thousands of rows)
query spill_window_large_ranking
select l_orderkey, l_linenumber, ntile(7) over (partition by l_returnflag order by l_shipdate, l_orderkey, l_linenumber) nt, percent_rank() over (partition by l_linestatus order by l_shipdate) pr, cume_dist() over (order by l_quantity) cd from lineitem
---- result
(60175 rows, sha256 769cadeba860f9b8)

query spill_window_large_frames
select l_orderkey, l_linenumber, sum(l_quantity) over (partition by l_returnflag) s, sum(l_quantity) over (partition by l_returnflag order by l_orderkey range between 10 preceding and 10 following) r, max(l_extendedprice) over (order by l_orderkey, l_linenumber rows between 5 preceding and 200 following) m, first_value(l_partkey) over (partition by l_returnflag order by l_orderkey, l_linenumber rows between 3 following and unbounded following) f, last_value(l_suppkey) over (partition by l_linestatus order by l_shipdate, l_orderkey, l_linenumber) lv, nth_value(l_partkey, 3) over (partition by l_linestatus order by l_orderkey, l_linenumber rows between 2 preceding and 4 following) nv, min(l_partkey) over (partition by l_linestatus order by l_orderkey groups between 1 preceding and 1 following) mg from lineitem
---- result
(60175 rows, sha256 e6e8969a02a8eaa7)

query spill_window_large_offsets
select l_orderkey, l_linenumber, lead(l_partkey, 5000) over (partition by l_returnflag order by l_orderkey, l_linenumber) ld, lag(l_comment, 7000, 'x') over (order by l_orderkey, l_linenumber) lg from lineitem
---- result
(60175 rows, sha256 ef5ab75bf8543a89)

# count(DISTINCT …): mark-distinct spills its seen tuples and the rows still to mark by hash partition
query spill_count_distinct
select l_returnflag, count(distinct l_orderkey), count(distinct l_partkey), count(distinct l_comment), count(*) from lineitem group by l_returnflag
---- result
A|6453|1999|14751|14876
N|7788|2000|29950|30397
R|6518|1997|14777|14902

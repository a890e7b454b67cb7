# Row-level writes (issue 15): DELETE (with a subquery), UPDATE, MERGE and TRUNCATE on a lake table
# under retry policy TASK, in order. Each statement's answer (the rows it changed) and the table
# after it are checked against DuckDB computing the same rows from the base tables.
-- session retry_policy=TASK

statement schema
create schema lake.rw

statement table
create table lake.rw.o as select o_orderkey, o_custkey, o_totalprice, o_orderstatus from orders

query delete_with_subquery
delete from lake.rw.o where o_orderkey % 4 = 0 or o_custkey in (select c_custkey from customer where c_mktsegment = 'BUILDING')
---- duckdb
select count(*) from orders where o_orderkey % 4 = 0 or o_custkey in (select c_custkey from customer where c_mktsegment = 'BUILDING')
---- result
6515

query after_delete
select count(*), sum(o_orderkey), sum(o_totalprice) from lake.rw.o
---- duckdb
select count(*), sum(o_orderkey), sum(o_totalprice) from orders where not (o_orderkey % 4 = 0 or o_custkey in (select c_custkey from customer where c_mktsegment = 'BUILDING'))
---- result
8485|253457440|1196421537.62

query update
update lake.rw.o set o_totalprice = o_totalprice + 1, o_orderstatus = 'U' where o_orderstatus = 'P'
---- duckdb
select count(*) from orders where o_orderstatus = 'P' and not (o_orderkey % 4 = 0 or o_custkey in (select c_custkey from customer where c_mktsegment = 'BUILDING'))
---- result
218

query after_update
select o_orderstatus, count(*), sum(o_totalprice) from lake.rw.o group by o_orderstatus order by 1
---- duckdb
select case when o_orderstatus = 'P' then 'U' else o_orderstatus end as s, count(*), sum(o_totalprice + case when o_orderstatus = 'P' then 1 else 0 end) from orders where not (o_orderkey % 4 = 0 or o_custkey in (select c_custkey from customer where c_mktsegment = 'BUILDING')) group by s order by 1
---- result
F|4107|580834794.80
O|4160|578370779.76
U|218|37216181.06

query merge
merge into lake.rw.o t using (select n_nationkey * 3 + 1 as k, n_name as name from nation) s on t.o_orderkey = s.k when matched and s.name < 'J' then delete when matched then update set o_orderstatus = 'X' when not matched then insert values (s.k, -1, 0, 'M')
---- trino: 25 source rows, every one matched (deleted or updated) or inserted
25

query after_merge
select o_orderstatus, count(*), sum(o_orderkey) from lake.rw.o where o_orderkey < 80 group by o_orderstatus order by 1
---- duckdb
with kept as (select o_orderkey, o_orderstatus from orders where not (o_orderkey % 4 = 0 or o_custkey in (select c_custkey from customer where c_mktsegment = 'BUILDING'))), src as (select n_nationkey * 3 + 1 as k, n_name as name from nation), merged as (select o_orderkey, case when s.k is null then case when o_orderstatus = 'P' then 'U' else o_orderstatus end else 'X' end as st from kept left join src s on s.k = o_orderkey where s.k is null or s.name >= 'J' union all select k, 'M' from src where k not in (select o_orderkey from kept)) select st, count(*), sum(o_orderkey) from merged where o_orderkey < 80 group by st order by 1
---- result
F|3|77
M|21|783
O|3|108
U|1|65
X|2|107

query update_unknown_column
update lake.rw.o set nope = 1
---- error COLUMN_NOT_FOUND at 1:22: Column 'nope' cannot be resolved

query delete_from_tpch
delete from nation where n_nationkey = 1
---- error NOT_SUPPORTED at 1:13: does not support writes

query truncate
truncate table lake.rw.o
---- duckdb
with kept as (select o_orderkey, o_orderstatus from orders where not (o_orderkey % 4 = 0 or o_custkey in (select c_custkey from customer where c_mktsegment = 'BUILDING'))), src as (select n_nationkey * 3 + 1 as k, n_name as name from nation), merged as (select o_orderkey, case when s.k is null then case when o_orderstatus = 'P' then 'U' else o_orderstatus end else 'X' end as st from kept left join src s on s.k = o_orderkey where s.k is null or s.name >= 'J' union all select k, 'M' from src where k not in (select o_orderkey from kept)) select count(*) from merged
---- result
8504

query after_truncate
select count(*) from lake.rw.o
---- trino: the table is empty
0

# Views (issue 15): CREATE [OR REPLACE] VIEW, DROP VIEW, SHOW CREATE VIEW in the lake and memory
# catalogs. A view's stored SQL is planned again wherever it is named, with the catalog and schema
# of the session that created it; DuckDB runs the query the view stands for. Errors: a view that
# names itself, a view whose columns changed type, a view over a dropped table (naming both).

statement memory_view
create view memory.default.asia as select n_name, n_regionkey from nation where n_regionkey = 2

query memory_view_read
select * from memory.default.asia
---- duckdb
select n_name, n_regionkey from nation where n_regionkey = 2
---- result
CHINA|2
INDIA|2
INDONESIA|2
JAPAN|2
VIETNAM|2

statement lake_schema
create schema lake.v

statement lake_table
create table lake.v.nations as select n_nationkey, n_name, n_regionkey from nation

statement lake_view_with_column_list
create view lake.v.by_region (region, nations) as select n_regionkey, count(*) from lake.v.nations group by n_regionkey

query lake_view_read
select region, nations from lake.v.by_region order by region
---- duckdb
select n_regionkey, count(*) from nation group by n_regionkey order by 1
---- result
0|5
1|5
2|5
3|5
4|5

query view_joined_and_filtered
select r.r_name, b.nations from lake.v.by_region b join region r on r.r_regionkey = b.region where b.region > 2 order by 1
---- duckdb
select r.r_name, b.c from (select n_regionkey, count(*) as c from nation group by n_regionkey) b join region r on r.r_regionkey = b.n_regionkey where b.n_regionkey > 2 order by 1
---- result
EUROPE|5
MIDDLE EAST|5

statement view_of_a_view
create view lake.v.big_regions as select region from lake.v.by_region where nations >= 5

query view_of_a_view_read
select count(*) from lake.v.big_regions
---- duckdb
select count(*) from (select n_regionkey from nation group by 1 having count(*) >= 5)
---- result
5

statement view_with_cte_and_order
create view lake.v.top_customers as with spend as (select o_custkey, sum(o_totalprice) as total from orders group by o_custkey) select o_custkey, total from spend order by total desc limit 3

query view_with_cte_and_order_read
select o_custkey from lake.v.top_customers
---- duckdb
with spend as (select o_custkey, sum(o_totalprice) as total from orders group by o_custkey) select o_custkey from spend order by total desc limit 3
---- result
1396
1489
214

# Unqualified names in a view resolve against the catalog and schema of the session that created
# it (tpch.tiny here), not the schema the view lives in: lake.v.nation does not shadow them.

statement shadowing_table
create table lake.v.nation as select * from region

statement view_with_unqualified_name
create view lake.v.nation_count as select count(*) as c from nation

query view_reads_the_creation_schema
select c from lake.v.nation_count
---- duckdb
select count(*) from nation
---- result
25

statement replace_view
create or replace view lake.v.nation_count as select count(*) as c from region

query replaced_view_read
select c from lake.v.nation_count
---- duckdb
select count(*) from region
---- result
5

query show_create_view
show create view lake.v.by_region
---- trino: the statement that creates it, the stored query on its own line
"CREATE VIEW lake.v.by_region SECURITY DEFINER AS\nSELECT * FROM (SELECT n_regionkey, count(*) FROM lake.v.nations GROUP BY n_regionkey) AS by_region (region, nations)"

statement view_with_comment_and_security
create view memory.default.invoker COMMENT 'who calls' SECURITY INVOKER as select 1 as one

query show_create_view_with_comment
show create view memory.default.invoker
---- trino: comment and security kept
"CREATE VIEW memory.default.invoker COMMENT 'who calls' SECURITY INVOKER AS\nSELECT 1 AS one"

query table_comment_of_a_view
select table_name, table_type, table_comment from memory.information_schema.tables where table_schema = 'default' order by 1
---- trino: views of the memory catalog
asia|VIEW|NULL
invoker|VIEW|who calls

query describe_view
describe lake.v.by_region
---- trino: the view's columns
region|integer|""|""
nations|bigint|""|""

query create_existing_view
create view lake.v.by_region as select 1 as a
---- error ALREADY_EXISTS at 1:13 : lake.v.by_region

query create_view_over_a_table_name
create or replace view lake.v.nations as select 1 as a
---- error ALREADY_EXISTS at 1:24 : lake.v.nations

query create_view_without_column_name
create view lake.v.unnamed as select 1
---- error INVALID_COLUMN_REFERENCE : Column name not specified at position 1

query create_view_with_duplicate_columns
create view lake.v.twice as select 1 as a, 2 as a
---- error ALREADY_EXISTS : Column name 'a' specified more than once

query create_view_alias_count_mismatch
create view lake.v.aliases (a, b) as select 1 as x
---- error TYPE_MISMATCH : Column alias list has 2 entries but the query has 1 columns

query create_view_in_a_missing_schema
create view lake.nowhere.v as select 1 as a
---- error SCHEMA_NOT_FOUND : lake.nowhere

query create_view_in_tpch
create view tpch.tiny.v as select 1 as a
---- error NOT_SUPPORTED : does not support views

query create_view_with_bad_query
create view lake.v.bad as select no_such_column from nation
---- error COLUMN_NOT_FOUND at 1:34

statement recursion_base
create view lake.v.a as select 1 as x

statement recursion_middle
create view lake.v.b as select x from lake.v.a

query recursive_view_refused
create or replace view lake.v.a as select x from lake.v.b
---- error VIEW_IS_RECURSIVE at 1:50 : lake.v.a

query recursion_left_no_trace
select x from lake.v.b
---- duckdb
select 1
---- result
1

# a view whose base table changed: another column type (stale), or gone (invalid)

statement stale_base
create table lake.v.base (x bigint)

statement stale_view
create view lake.v.over_base as select x from lake.v.base

statement stale_drop
drop table lake.v.base

statement stale_recreate
create table lake.v.base (x varchar)

query stale_view_refused
select * from lake.v.over_base
---- error VIEW_IS_STALE at 1:15 : cannot be coerced to column [x] of type bigint

statement dropped_base
drop table lake.v.nations

query view_over_dropped_table
select * from lake.v.by_region
---- error INVALID_VIEW at 1:15 : Failed analyzing stored view 'lake.v.by_region': line 1:50: Table 'lake.v.nations' does not exist

query view_of_view_over_dropped_table
select * from lake.v.big_regions
---- error INVALID_VIEW at 1:15 : lake.v.nations

query drop_table_of_a_view
drop table lake.v.by_region
---- error TABLE_NOT_FOUND : Did you mean DROP VIEW lake.v.by_region?

query drop_view_of_a_table
drop view lake.v.nation
---- error TABLE_NOT_FOUND : Did you mean DROP TABLE lake.v.nation?

query insert_into_a_view
insert into lake.v.by_region values (1, 2)
---- error TABLE_NOT_FOUND

statement drop_view
drop view lake.v.by_region

query dropped_view_is_gone
select * from lake.v.by_region
---- error TABLE_NOT_FOUND at 1:15 : lake.v.by_region

query drop_missing_view
drop view lake.v.by_region
---- error TABLE_NOT_FOUND : View 'lake.v.by_region' does not exist

statement drop_missing_view_if_exists
drop view if exists lake.v.by_region

statement drop_memory_view
drop view memory.default.asia

query views_left
select table_schema, table_name from lake.information_schema.views order by 2
---- trino: those not dropped
v|a
v|b
v|big_regions
v|nation_count
v|over_base
v|top_customers

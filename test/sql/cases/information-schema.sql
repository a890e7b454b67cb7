# information_schema in every catalog (issue 17): Trino's tables and columns, listed from the
# catalog's connector, and the queries that clients send to find their way — dbt-trino's (list
# schemas, check a schema, list relations, columns of a relation) and a SQL client's view lookup.
# DuckDB has no such catalog to compare with: the rows are Trino's, written by hand.

statement lake_schema
create schema lake.dbt

statement lake_table
create table lake.dbt.orders_small as select o_orderkey, o_totalprice, o_orderdate from orders where o_orderkey < 10

statement lake_view
create view lake.dbt.big_orders as select o_orderkey, o_totalprice from lake.dbt.orders_small where o_totalprice > 100000

query schemata_of_tpch
select catalog_name, schema_name from tpch.information_schema.schemata order by schema_name
---- trino: the catalog's schemas and information_schema
tpch|information_schema
tpch|sf1
tpch|sf10
tpch|sf100
tpch|sf1000
tpch|tiny

query tables_of_the_session_catalog
select table_catalog, table_schema, table_name, table_type from information_schema.tables where table_schema = 'tiny' order by table_name
---- trino: TPC-H's tables
tpch|tiny|customer|BASE TABLE
tpch|tiny|lineitem|BASE TABLE
tpch|tiny|nation|BASE TABLE
tpch|tiny|orders|BASE TABLE
tpch|tiny|part|BASE TABLE
tpch|tiny|partsupp|BASE TABLE
tpch|tiny|region|BASE TABLE
tpch|tiny|supplier|BASE TABLE

query columns_in_order
select column_name, ordinal_position, column_default, is_nullable, data_type from tpch.information_schema.columns where table_schema = 'tiny' and table_name = 'region' order by ordinal_position
---- types varchar, bigint, varchar, varchar, varchar
---- trino: the table's columns
r_regionkey|1|NULL|YES|integer
r_name|2|NULL|YES|varchar(25)
r_comment|3|NULL|YES|varchar(152)

query columns_star_has_no_hidden_columns
select * from tpch.information_schema.columns where table_schema = 'tiny' and table_name = 'region' and ordinal_position = 1
---- trino: eight columns; comment and extra_info are hidden
tpch|tiny|region|r_regionkey|1|NULL|YES|integer

query columns_hidden_by_name
select column_name, comment, extra_info, column_comment from tpch.information_schema.columns where table_schema = 'tiny' and table_name = 'region' and column_name = 'r_name'
---- trino: no comments
r_name|NULL|NULL|NULL

query columns_count_of_a_schema
select count(*), count(distinct table_name) from tpch.information_schema.columns where table_schema = 'tiny'
---- trino: 61 columns in 8 tables
61|8

query information_schema_lists_itself
select table_name from lake.information_schema.tables where table_schema = 'information_schema' order by 1
---- trino: Trino's eight
applicable_roles
columns
enabled_roles
roles
schemata
table_privileges
tables
views

query information_schema_columns_of_views
select column_name, data_type from lake.information_schema.columns where table_schema = 'information_schema' and table_name = 'views' order by ordinal_position
---- trino: Trino's columns
table_catalog|varchar
table_schema|varchar
table_name|varchar
view_definition|varchar

query tables_and_views_of_the_lake
select table_name, table_type from lake.information_schema.tables where table_schema = 'dbt' order by 1
---- trino: a view is a VIEW
big_orders|VIEW
orders_small|BASE TABLE

query view_definition
select table_catalog, table_schema, table_name, view_definition from lake.information_schema.views
---- trino: the stored query, as quarry prints it
lake|dbt|big_orders|SELECT o_orderkey, o_totalprice FROM lake.dbt.orders_small WHERE o_totalprice > 100000

query view_columns
select column_name, ordinal_position, data_type from lake.information_schema.columns where table_schema = 'dbt' and table_name = 'big_orders' order by ordinal_position
---- trino: the view's columns, with their types
o_orderkey|1|bigint
o_totalprice|2|decimal(15,2)

query privileges_and_roles_are_empty
select (select count(*) from lake.information_schema.table_privileges), (select count(*) from lake.information_schema.applicable_roles), (select count(*) from lake.information_schema.roles), (select count(*) from lake.information_schema.enabled_roles)
---- trino: quarry has no roles nor grants
0|0|0|0

query unknown_information_schema_table
select * from lake.information_schema.no_such_table
---- error TABLE_NOT_FOUND at 1:15 : lake.information_schema.no_such_table

query information_schema_is_read_only
create view lake.information_schema.v as select 1 as a
---- error NOT_SUPPORTED : read-only

# dbt-trino's macros, rendered as dbt renders them (`"catalog".INFORMATION_SCHEMA`)

query dbt_list_schemas
select distinct schema_name
from "tpch".INFORMATION_SCHEMA.schemata
---- trino: every schema
information_schema
sf1
sf10
sf100
sf1000
tiny

query dbt_check_schema_exists
select count(*)
from "lake".INFORMATION_SCHEMA.schemata
where catalog_name = 'lake'
  and schema_name = 'dbt'
---- trino: it does
1

query dbt_list_relations_without_caching
select
  table_catalog as database,
  table_name as name,
  table_schema as schema,
  case when table_type = 'BASE TABLE' then 'table'
       when table_type = 'VIEW' then 'view'
       else table_type
  end as table_type
from "lake".INFORMATION_SCHEMA.tables
where table_schema = 'dbt'
---- trino: a table and a view
lake|big_orders|dbt|view
lake|orders_small|dbt|table

query dbt_get_columns_in_relation
select
    column_name,
    case when regexp_like(data_type, 'varchar\(\d+\)') then 'varchar'
         else data_type
    end as data_type,
    case when regexp_like(data_type, 'varchar\(\d+\)') then
            from_base(regexp_extract(data_type, 'varchar\((\d+)\)', 1), 10)
         else NULL
    end as character_maximum_length,
    NULL as numeric_precision,
    NULL as numeric_scale

from
"tpch".INFORMATION_SCHEMA.columns

where
  table_name = 'nation'
  and table_schema = 'tiny'
order by ordinal_position
---- trino: varchar lengths read from the type
n_nationkey|integer|NULL|NULL|NULL
n_name|varchar|25|NULL|NULL
n_regionkey|integer|NULL|NULL|NULL
n_comment|varchar|152|NULL|NULL

query client_view_lookup
SELECT view_definition FROM lake.information_schema.views WHERE table_schema = 'dbt' AND table_name = 'big_orders'
---- trino: one view
SELECT o_orderkey, o_totalprice FROM lake.dbt.orders_small WHERE o_totalprice > 100000

query client_tables_of_a_schema_pattern
SELECT table_schema, table_name FROM tpch.information_schema.tables WHERE table_schema LIKE 'ti%' AND table_name LIKE 'n%'
---- trino: LIKE filters after the listing
tiny|nation

# SHOW statements stay as they were, and see information_schema as Trino's do

query show_schemas_lists_information_schema
show schemas from lake
---- trino: the lake's schema and information_schema
dbt
information_schema

query show_tables_lists_views
show tables from lake.dbt
---- trino: tables and views
big_orders
orders_small

query show_tables_of_information_schema
show tables from lake.information_schema like 'ta%'
---- trino: two of them
table_privileges
tables

query describe_information_schema_table
describe tpch.information_schema.schemata
---- trino: its columns
catalog_name|varchar|""|""
schema_name|varchar|""|""

query no_schema_information_schema
create schema lake.information_schema
---- error NOT_SUPPORTED : Schema 'lake.information_schema' is read-only

query no_table_in_information_schema
create table lake.information_schema.t (a bigint)
---- error NOT_SUPPORTED : read-only

query no_insert_into_information_schema
insert into lake.information_schema.tables values ('a', 'b', 'c', 'd')
---- error NOT_SUPPORTED : read-only

query no_drop_of_information_schema
drop schema tpch.information_schema
---- error NOT_SUPPORTED : read-only

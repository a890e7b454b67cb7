# Names: case-insensitive and quoted identifiers, aliases, column lists on subqueries and WITH
# queries, fully qualified table names, CTEs referenced twice or by each other.

query identifiers_case_insensitive
select N_NAME, n_RegionKey from NATION where N_NATIONKEY = 3
---- result
CANADA|1

query quoted_identifiers
select "n_name", "N_NATIONKEY" from nation where "n_nationkey" < 2
---- result
ALGERIA|0
ARGENTINA|1

query quoted_alias_with_space
select n_name as "the name", count(*) as "Count" from nation where n_nationkey < 2 group by n_name
---- result
ALGERIA|1
ARGENTINA|1

query fully_qualified_table
select count(*) from tpch.tiny.nation
---- duckdb
select count(*) from memory.main.nation
---- result
25

query schema_qualified_table
select count(*) from tiny.region
---- duckdb
select count(*) from main.region
---- result
5

query table_alias_with_as
select t.r_name from region as t where t.r_regionkey = 1
---- result
AMERICA

query subquery_column_list
select a, b from (select n_nationkey, n_name from nation where n_nationkey < 3) as t(a, b)
---- result
0|ALGERIA
1|ARGENTINA
2|BRAZIL

query cte_column_list
with t(k, name) as (select r_regionkey, r_name from region) select name from t where k > 2
---- result
EUROPE
MIDDLE EAST

query cte_referenced_twice
with big as (select c_custkey, c_acctbal from customer where c_acctbal > 9900)
select count(*) from big a join big b on a.c_custkey < b.c_custkey
---- result
21

query cte_chain
with a as (select n_nationkey, n_regionkey from nation), b as (select n_regionkey, count(*) as c from a group by n_regionkey), c as (select max(c) as m from b)
select * from b, c where b.c = c.m
---- result
0|5|5
1|5|5
2|5|5
3|5|5
4|5|5

query cte_shadows_table
with nation as (select 1 as n_nationkey) select count(*) from nation
---- result
1

query nested_with
with a as (with b as (select 5 as x) select x * 2 as y from b) select y + 1 from a
---- result
11

query same_column_name_from_two_tables
select a.n_nationkey, b.n_nationkey from nation a join nation b on a.n_nationkey = b.n_nationkey + 1 where a.n_nationkey < 3
---- result
1|0
2|1

query select_star_from_join
select * from region r join nation n on r.r_regionkey = n.n_regionkey where n.n_nationkey = 5
---- result
0|AFRICA|"lar deposits. blithely final packages cajole. regular waters are final requests. regular accounts are according to "|5|ETHIOPIA|0|ven packages wake quickly. regu

query select_qualified_star
select r.*, n.n_name from region r join nation n on r.r_regionkey = n.n_regionkey where n.n_nationkey < 2
---- result
0|AFRICA|"lar deposits. blithely final packages cajole. regular waters are final requests. regular accounts are according to "|ALGERIA
1|AMERICA|hs use ironic, even requests. s|ARGENTINA

query order_by_qualified_column
select n.n_name from nation n order by n.n_nationkey desc limit 2
---- result
UNITED STATES
UNITED KINGDOM

query column_named_like_keyword
select x as "select", y as "from" from (values (1, 2)) as t(x, y)
---- result
1|2

query group_by_column_alias_name_of_column
select n_regionkey as k, count(*) from nation group by n_regionkey having count(*) = 5 order by k
---- result
0|5
1|5
2|5
3|5
4|5

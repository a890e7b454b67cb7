# Correlated row IN (issue 15, part of point 5): `(a, b) [NOT] IN (SELECT x, y … WHERE <outer ref>)`.
# The correlation's equalities join as keys, its other conjuncts filter each outer row's candidate
# rows; a row comparison is NULL when no field differs and one is NULL, as for uncorrelated row IN.

query correlated_by_equality
select n.n_name from nation n where (n.n_regionkey, n.n_name) in (select n2.n_regionkey, n2.n_name from nation n2 where n2.n_nationkey = n.n_nationkey and n2.n_nationkey < 8) order by 1
---- duckdb
select n.n_name from nation n where exists (select 1 from nation n2 where n2.n_nationkey = n.n_nationkey and n2.n_nationkey < 8 and n2.n_regionkey = n.n_regionkey and n2.n_name = n.n_name) order by 1
---- result
ALGERIA
ARGENTINA
BRAZIL
CANADA
EGYPT
ETHIOPIA
FRANCE
GERMANY

query correlated_by_equality_and_inequality
select n.n_nationkey from nation n where (n.n_regionkey, n.n_nationkey - 5) in (select n2.n_regionkey, n2.n_nationkey from nation n2 where n2.n_regionkey = n.n_regionkey and n2.n_nationkey < n.n_nationkey) order by 1
---- duckdb
select n.n_nationkey from nation n where exists (select 1 from nation n2 where n2.n_regionkey = n.n_regionkey and n2.n_nationkey < n.n_nationkey and n2.n_nationkey = n.n_nationkey - 5) order by 1
---- result
5

query correlated_by_inequality_only
select r.r_name from region r where (r.r_regionkey, 'x') in (select n.n_regionkey, substr(n.n_name, 1, 0) || 'x' from nation n where n.n_nationkey > r.r_regionkey * 5) order by 1
---- duckdb
select r.r_name from region r where exists (select 1 from nation n where n.n_nationkey > r.r_regionkey * 5 and n.n_regionkey = r.r_regionkey) order by 1
---- result
AFRICA
AMERICA
ASIA
EUROPE

query correlated_not_in
select count(*) from nation n where (n.n_regionkey, n.n_nationkey) not in (select r.r_regionkey, r.r_regionkey * 5 from region r where r.r_name <> n.n_comment)
---- duckdb
select count(*) from nation n where not exists (select 1 from region r where r.r_name <> n.n_comment and r.r_regionkey = n.n_regionkey and r.r_regionkey * 5 = n.n_nationkey)
---- result
23

query correlated_row_in_in_the_select_list
select n.n_name, (n.n_regionkey, n.n_nationkey % 3) in (select r.r_regionkey, length(r.r_name) % 3 from region r where r.r_regionkey = n.n_regionkey) from nation n where n.n_nationkey < 6 order by 1
---- duckdb
select n.n_name, exists (select 1 from region r where r.r_regionkey = n.n_regionkey and length(r.r_name) % 3 = n.n_nationkey % 3) from nation n where n.n_nationkey < 6 order by 1
---- result
ALGERIA|true
ARGENTINA|true
BRAZIL|false
CANADA|false
EGYPT|false
ETHIOPIA|false

query correlated_null_semantics
with o(k, a, b) as (values (1, 1, 2), (2, 1, 2), (3, 1, null), (4, 5, 6), (5, null, 7)),
i(k, x, y) as (values (1, 1, 2), (2, 1, null), (3, 1, 3), (3, 9, 9), (4, null, 7), (5, 1, 7), (6, 1, 2))
select k, (a, b) in (select x, y from i where i.k = o.k), (a, b) not in (select x, y from i where i.k = o.k) from o order by k
---- trino: a row comparison is NULL when no field differs and one is NULL; IN over no rows is false
1|true|false
2|NULL|NULL
3|NULL|NULL
4|false|true
5|NULL|NULL

query correlated_row_in_with_aggregation_is_refused
select n_name from nation n where (n_regionkey, n_nationkey) in (select min(r_regionkey), max(r_regionkey) from region where r_name = n.n_name)
---- error NOT_SUPPORTED at 1:66 : Correlated row IN subqueries with aggregation are not supported

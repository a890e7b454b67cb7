# UNION, INTERSECT and EXCEPT, DISTINCT (the default) and ALL, with NULLs (equal to each other
# here), type coercion between the branches, ORDER BY and LIMIT over the result.

query union_distinct
select x from (values (1), (2), (2), (null)) as a(x) union select y from (values (2), (3), (null)) as b(y)
---- result
1
2
3
NULL

query union_all
select x from (values (1), (2), (2), (null)) as a(x) union all select y from (values (2), (3), (null)) as b(y)
---- result
1
2
2
2
3
NULL
NULL

query union_tpch_columns
select n_name from nation where n_regionkey = 0 union select r_name from region
---- result
AFRICA
ALGERIA
AMERICA
ASIA
ETHIOPIA
EUROPE
KENYA
MIDDLE EAST
MOROCCO
MOZAMBIQUE

query union_all_three_branches
select 1 as a union all select 2 union all select 1
---- result
1
1
2

query union_type_coercion
select 1 as v union all select 2.5 union all select cast(3 as bigint)
---- result
1.0
2.5
3.0

query union_double_coercion
select 1 as v union select 1e0 union select 1.0
---- result
1

query union_varchar_lengths
select 'a' as s union all select 'longer' union all select n_name from nation where n_nationkey = 0
---- result
ALGERIA
a
longer

query union_order_by_limit
select n_name as name from nation where n_regionkey = 1 union select r_name from region order by name limit 4
---- result
AFRICA
AMERICA
ARGENTINA
ASIA

query union_all_order_by_desc
select n_nationkey as k from nation where n_nationkey < 3 union all select r_regionkey from region order by k desc
---- result
4
3
2
2
1
1
0
0

query intersect_distinct
select x from (values (1), (2), (2), (3), (null)) as a(x) intersect select y from (values (2), (2), (3), (4), (null)) as b(y)
---- result
2
3
NULL

query intersect_all
select x from (values (1), (2), (2), (2), (3)) as a(x) intersect all select y from (values (2), (2), (3), (3)) as b(y)
---- result
2
2
3

query except_distinct
select x from (values (1), (2), (2), (3), (null)) as a(x) except select y from (values (2), (4)) as b(y)
---- result
1
3
NULL

query except_all
select x from (values (1), (2), (2), (2), (3), (null), (null)) as a(x) except all select y from (values (2), (3), (3), (null)) as b(y)
---- result
1
2
2
NULL

query except_null_removed
select x from (values (1), (null)) as a(x) except select y from (values (null)) as b(y)
---- result
1

query intersect_tpch
select c_nationkey from customer intersect select s_nationkey from supplier
---- result
0
1
10
11
12
13
14
15
16
17
18
19
2
20
21
22
23
24
3
4
5
6
7
8
9

query except_tpch
select n_nationkey from nation except select c_nationkey from customer where c_acctbal > 9900
---- result
0
1
10
11
12
13
14
15
17
18
2
20
22
23
3
6
7
8

query set_operations_multiple_columns
select a, b from (values (1, 'x'), (1, 'y'), (2, null)) as t(a, b) except select a, b from (values (1, 'y'), (2, null)) as u(a, b)
---- result
1|x

query set_operation_precedence
# INTERSECT binds tighter than UNION and EXCEPT
select x from (values (1), (2)) as a(x) union select y from (values (3)) as b(y) intersect select z from (values (3), (4)) as c(z)
---- result
1
2
3

query set_operations_left_to_right
select x from (values (1), (2), (3)) as a(x) except select y from (values (1)) as b(y) union select z from (values (1)) as c(z)
---- result
1
2
3

query set_operation_parenthesized
select x from (values (1), (2), (3)) as a(x) except (select y from (values (1)) as b(y) union select z from (values (2)) as c(z))
---- result
3

query union_in_subquery
select count(*), count(distinct k) from (select n_regionkey as k from nation union all select r_regionkey from region) t
---- result
30|5

query union_in_in_subquery
select n_name from nation where n_nationkey in (select 1 union select 2 union select 24)
---- result
ARGENTINA
BRAZIL
UNITED STATES

query union_distinct_with_aggregates
select 'orders' as t, count(*) from orders union all select 'lineitem', count(*) from lineitem union all select 'part', count(*) from part
---- result
lineitem|60175
orders|15000
part|2000

query except_all_duplicates_count
select k, count(*) from (select x as k from (values (1), (1), (1), (2)) as a(x) except all select y from (values (1)) as b(y)) t group by k
---- result
1|2
2|1

query intersect_all_with_nulls
select x from (values (null), (null), (1)) as a(x) intersect all select y from (values (null), (1), (1)) as b(y)
---- result
1
NULL

query union_all_empty_branch
select n_name from nation where n_nationkey < 2 union all select r_name from region where r_regionkey > 10
---- result
ALGERIA
ARGENTINA

query union_with_cte
with a as (select n_regionkey as k from nation), b as (select r_regionkey as k from region where r_regionkey > 2)
select k from a intersect select k from b
---- result
3
4

query union_null_and_integer
select null as x union select 1 union select null
---- result
1
NULL

query union_of_parenthesized_limited_branches
(select n_name from nation order by n_name limit 2) union all (select r_name from region order by r_name desc limit 1)
---- result
ALGERIA
ARGENTINA
MIDDLE EAST

# WITH RECURSIVE (issue 15), Trino's bounded form: a WITH query `anchor UNION [ALL] step` whose step
# names it once in its FROM is unrolled to max_recursion_depth levels (default 10) plus one that
# must find no rows. Sequences, a tree walk, graph reachability with a depth, several WITH queries
# in one clause; the depth limit; forms Trino refuses, at their line and column. DuckDB's recursion
# is unbounded: the cases it judges end within 10 levels.

query sequence
with recursive t(n) as (select 1 union all select n + 1 from t where n < 10) select n from t order by n
---- result
1
2
3
4
5
6
7
8
9
10

query sequence_of_exactly_the_limit
with recursive t(n) as (select 1 union all select n + 1 from t where n < 11) select count(*), sum(n), max(n) from t
---- result
11|66|11

query sequence_unordered_with_expressions
with recursive t(n, sq, label) as (select 1, 1, cast('x' as varchar) union all select n + 1, (n + 1) * (n + 1), label || 'x' from t where n < 5) select n, sq, label from t
---- result
1|1|x
2|4|xx
3|9|xxx
4|16|xxxx
5|25|xxxxx

query fibonacci
with recursive f(i, a, b) as (select 1, cast(0 as bigint), cast(1 as bigint) union all select i + 1, b, a + b from f where i < 10) select i, a from f order by i
---- result
1|0
2|1
3|1
4|2
5|3
6|5
7|8
8|13
9|21
10|34

query step_coerced_to_the_anchor_types
with recursive t(n, x) as (select cast(1 as bigint), 1.5e0 union all select cast(n as integer) + 1, x * 2 from t where n < 4) select n, x from t order by n
---- result
1|1.5
2|3
3|6
4|12

query tree_walk
with recursive tree(id, parent, name) as (values (1, null, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'c'), (5, 4, 'd'), (6, 3, 'e'), (7, null, 'other')),
walk(id, depth, path) as (
  select id, 0, cast(name as varchar) from tree where parent is null and name = 'root'
  union all
  select t.id, w.depth + 1, w.path || '/' || t.name from walk w join tree t on t.parent = w.id)
select id, depth, path from walk order by path
---- result
1|0|root
2|1|root/a
4|2|root/a/c
5|3|root/a/c/d
3|1|root/b
6|2|root/b/e

query tree_walk_step_table_first
with recursive tree(id, parent) as (values (1, null), (2, 1), (3, 1), (4, 2), (5, 4), (6, 3)),
sub(id) as (select 2 union all select t.id from tree t, sub s where t.parent = s.id)
select id from sub order by id
---- result
2
4
5

query graph_reachability_with_a_depth
with recursive edges(src, dst) as (values (1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 6), (6, 7)),
reach(node, depth) as (select 1, 0 union all select e.dst, r.depth + 1 from reach r join edges e on e.src = r.node where r.depth < 4)
select node, min(depth), count(*) from reach group by node order by node
---- result
1|0|2
2|1|2
3|2|1
4|3|1
5|4|1

query union_distinct
with recursive edges(src, dst) as (values (1, 2), (1, 3), (2, 4), (3, 4), (4, 5)),
reach(node) as (select 1 union select e.dst from reach r join edges e on e.src = r.node)
select node from reach
---- result
1
2
3
4
5

query union_distinct_sequence
with recursive t(n) as (select 1 union select n + 1 from t where n < 5) select n from t
---- result
1
2
3
4
5

query several_recursive_queries_in_one_clause
with recursive base(k) as (values (3)),
a(n) as (select 1 union all select n + 1 from a, base where n < k),
b(m, i) as (select 10, 1 union all select m * 10, i + 1 from b where i < 3),
c(total) as (select sum(n) from a)
select n, m, total from a join b on b.i = a.n cross join c order by n
---- result
1|10|6
2|100|6
3|1000|6

query recursive_query_over_another_is_too_large_at_depth_10
with recursive a(n) as (select 1 union all select n + 1 from a where n < 3),
b(m) as (select n from a union all select m * 10 from b where m < 100)
select m from b order by m
---- error QUERY_TOO_COMPLEX at 2:1 : Recursive WITH query 'b' unrolls to more than 2000 operators at max_recursion_depth 10

query recursive_reference_in_a_subquery_of_from
with recursive t(n) as (select 1 union all select s.n + 1 from (select n from t) s where s.n < 4) select n from t order by n
---- result
1
2
3
4

query recursive_query_joined_with_itself
with recursive t(n) as (select 1 union all select n + 1 from t where n < 4) select a.n, b.n from t a join t b on b.n = a.n + 1 order by 1
---- result
1|2
2|3
3|4

query recursive_over_a_table
with recursive r(k, hops) as (select r_regionkey, 0 from region where r_name = 'AFRICA' union all select r.k + 1, r.hops + 1 from r join region g on g.r_regionkey = r.k + 1)
select k, hops from r order by k
---- result
0|0
1|1
2|2
3|3
4|4

query recursive_query_with_aggregation_over_it
with recursive t(n) as (select 1 union all select n + 1 from t where n < 6) select n % 2, count(*), sum(n) from t group by 1 order by 1
---- result
0|3|12
1|3|9

query anchor_of_two_rows
with recursive t(n) as (select 1 union all select 10 union all select n + 1 from t where n % 10 < 3) select n from t order by n
---- result
1
2
3
10
11
12
13

query recursive_query_in_a_subquery
select s.n, (with recursive u(m) as (select 1 union all select m * 2 from u where m < 8) select max(m) from u) from (with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) select n from t) s order by 1
---- result
1|8
2|8
3|8

query recursive_query_in_a_correlated_subquery
with recursive t(n) as (select 0 union all select n + 1 from t where n < 4) select r_name from region where exists (select 1 from t where t.n = r_regionkey * 2) order by 1
---- result
AFRICA
AMERICA
ASIA

query not_recursing_is_an_ordinary_with_query
with recursive t(n) as (select 1 union all select 2), u(m) as (select n * 10 from t) select m from u order by m
---- result
10
20

query depth_limit_exceeded
with recursive t(n) as (select 1 union all select n + 1 from t where n < 12) select n from t
---- error NOT_SUPPORTED : Recursion depth limit exceeded (10). Use 'max_recursion_depth' session property to modify the limit.

query depth_limit_exceeded_by_a_cycle
with recursive edges(src, dst) as (values (1, 2), (2, 1)),
reach(node) as (select 1 union select e.dst from reach r join edges e on e.src = r.node)
select node from reach
---- error NOT_SUPPORTED : Recursion depth limit exceeded (10)

query missing_column_aliases
with recursive t as (select 1 union all select 2 from t) select * from t
---- error MISSING_COLUMN_ALIASES at 1:16 : missing column aliases in recursive WITH query

query missing_column_aliases_on_any_query_of_the_clause
with recursive t(n) as (select 1), u as (select 2) select * from t, u
---- error MISSING_COLUMN_ALIASES at 1:36

query nested_recursive
with recursive t(n) as (with recursive u(m) as (select 1) select m from u) select * from t
---- error NESTED_RECURSIVE at 1:25 : nested recursive WITH query

query reference_in_the_anchor
with recursive t(n) as (select n from t union all select 1 from t) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:39 : WITH table name is referenced in the base relation of recursion

query two_references_in_the_step
with recursive t(n) as (select 1 union all select a.n + 1 from t a join t b on a.n = b.n where a.n < 3) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:73 : multiple recursive references in the step relation of recursion

query reference_outside_from
with recursive t(n) as (select 1 union all select x + 1 from (values 1) v(x) where x in (select n from t)) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:104 : recursive reference outside of FROM clause of the step relation of recursion

query reference_in_a_step_without_from
with recursive t(n) as (select 1 union all select (select max(n) from t)) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:71 : recursive reference outside of FROM clause

query reference_outside_a_union
with recursive t(n) as (select n + 1 from t) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:43 : recursive reference not allowed in this context

query reference_in_intersect
with recursive t(n) as (select 1 intersect select n from t) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:58 : recursive reference not allowed in this context

query reference_on_the_outer_side_of_a_left_join
with recursive t(n) as (select 1 union all select v.x from (values 1) v(x) left join t on t.n = v.x) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:86 : recursive reference in right source of LEFT join

query reference_on_the_outer_side_of_a_right_join
with recursive t(n) as (select 1 union all select v.x from t right join (values 1) v(x) on t.n = v.x) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:60 : recursive reference in left source of RIGHT join

query reference_in_a_full_join
with recursive t(n) as (select 1 union all select v.x from t full join (values 1) v(x) on t.n = v.x) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:60 : recursive reference in left source of FULL join

query reference_in_intersect_all
with recursive t(n) as (select 1 union all select x from (select n from t intersect all select 1) s(x)) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:73 : recursive reference in INTERSECT ALL

query reference_on_the_right_of_except
with recursive t(n) as (select 1 union all select x from (select 5 except select n from t) s(x)) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:89 : recursive reference in right relation of EXCEPT DISTINCT

query reference_on_the_left_of_except_all
with recursive t(n) as (select 1 union all select x from (select n from t except all select 5) s(x)) select * from t
---- error INVALID_RECURSIVE_REFERENCE at 1:73 : recursive reference in left relation of EXCEPT ALL

query order_by_around_the_union
with recursive t(n) as (select 1 union all select n + 1 from t where n < 3 order by n) select * from t
---- error NOT_SUPPORTED at 1:85 : immediate ORDER BY clause in recursive query

query limit_around_the_union
with recursive t(n) as (select 1 union all select n + 1 from t where n < 3 limit 2) select * from t
---- error INVALID_LIMIT_CLAUSE at 1:76 : immediate FETCH FIRST / LIMIT clause in recursive query

query limit_in_the_step
with recursive t(n) as (select 1 union all (select n + 1 from t where n < 3 limit 1)) select * from t
---- error INVALID_LIMIT_CLAUSE at 1:77 : FETCH FIRST / LIMIT clause in the step relation of recursion

query step_type_not_coercible
with recursive t(n, path) as (select 1, 'a' union all select n + 1, path || 'b' from t where n < 3) select * from t
---- error TYPE_MISMATCH at 1:55 : recursion step relation output type (varchar) is not coercible to recursion base relation output type (varchar(1)) at column 2

query step_with_another_number_of_columns
with recursive t(n) as (select 1 union all select n + 1, n from t where n < 3) select * from t
---- error TYPE_MISMATCH at 1:44 : base and step relations of recursion have different number of fields: 1, 2

query column_list_of_another_length
with recursive t(n, m) as (select 1 union all select n + 1 from t where n < 3) select * from t
---- error TYPE_MISMATCH at 1:16 : Column alias list has 2 entries but relation has 1 columns

query column_list_naming_a_column_twice
with recursive t(n, N) as (select 1, 2 union all select n + 1, n from t where n < 3) select * from t
---- error ALREADY_EXISTS at 1:21 : Column name 'N' specified more than once

query plain_with_column_list_naming_a_column_twice
with t(a, b, a) as (select 1, 2, 3) select * from t
---- error ALREADY_EXISTS at 1:14 : Column name 'a' specified more than once

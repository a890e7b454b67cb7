-- session max_recursion_depth=3
# WITH RECURSIVE under session max_recursion_depth=3 (issue 15): three levels after the anchor,
# then a fourth that must be empty; a recursive WITH query over another one fits at this depth; a
# view holding WITH RECURSIVE keeps it (its stored SQL says RECURSIVE) and unrolls it per session.

query within_the_depth
with recursive t(n) as (select 1 union all select n + 1 from t where n < 4) select n from t order by n
---- result
1
2
3
4

query past_the_depth
with recursive t(n) as (select 1 union all select n + 1 from t where n < 5) select n from t order by n
---- error NOT_SUPPORTED : Recursion depth limit exceeded (3). Use 'max_recursion_depth' session property to modify the limit.

query tree_walk_within_the_depth
with recursive tree(id, parent) as (values (1, null), (2, 1), (3, 2), (4, 3), (5, 1)),
walk(id, depth) as (select 1, 0 union all select t.id, w.depth + 1 from walk w join tree t on t.parent = w.id)
select id, depth from walk order by id
---- result
1|0
2|1
3|2
4|3
5|1

query tree_walk_past_the_depth
with recursive tree(id, parent) as (values (1, null), (2, 1), (3, 2), (4, 3), (5, 4)),
walk(id, depth) as (select 1, 0 union all select t.id, w.depth + 1 from walk w join tree t on t.parent = w.id)
select id, depth from walk order by id
---- error NOT_SUPPORTED : Recursion depth limit exceeded (3)

query recursive_query_over_another
with recursive a(n) as (select 1 union all select n + 1 from a where n < 3),
b(m) as (select n from a union all select m * 10 from b where m < 100)
select m from b order by m
---- result
1
2
3
10
20
30
100
200
300

statement view_with_recursion
create view memory.default.seq as with recursive t(n) as (select 1 union all select n + 1 from t where n < 4) select n from t

query view_read
select n from memory.default.seq order by n
---- duckdb
with recursive t(n) as (select 1 union all select n + 1 from t where n < 4) select n from t order by n
---- result
1
2
3
4

query view_definition_keeps_recursive
select view_definition like '%WITH RECURSIVE t%' from memory.information_schema.views where table_name = 'seq'
---- trino: the stored SQL is quarry's printed form
true

statement view_past_the_depth
create view memory.default.long_seq as with recursive t(n) as (select 1 union all select n + 1 from t where n < 9) select n from t

query view_unrolls_per_session
select count(*) from memory.default.long_seq
---- error NOT_SUPPORTED : Recursion depth limit exceeded (3)

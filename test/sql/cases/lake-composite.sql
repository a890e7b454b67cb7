# Composite columns in lake tables (issue 15): CREATE TABLE, INSERT and CREATE TABLE AS with array,
# map and row columns nested several levels, with every NULL shape (a NULL array, an empty one, one
# of NULL elements; a NULL map value; a NULL row, a row of NULL fields), read back whole and in
# parts, described and shown, updated in place (a row-level write rewrites the files), and filtered
# (pruning skips composite columns: their statistics hold no min/max).
-- session retry_policy=TASK

statement schema
create schema lake.nested

statement create_table
create table lake.nested.t (id integer, a array(integer), m map(varchar, array(bigint)), r row(x double, y row(z varchar, w array(date))))

statement insert
insert into lake.nested.t values (1, array[1, null, 3], map(array['k', 'e', 'n'], array[array[1, 2], array[], null]), row(1.5, row('z', array[date '2020-01-01', null]))), (2, null, null, null), (3, array[], map(), row(null, null)), (4, array[null], map(array['x'], array[array[null]]), row(null, row(null, array[]))), (5, array[2147483647], map(array['big'], array[array[9007199254740993]]), row(-0.5, row('', null)))

query read_back
select id, a, m, r from lake.nested.t order by id
---- trino: every NULL shape as written (a bigint past 2^53 as a JSON string, as the protocol sends it)
1|[1,null,3]|{"k":[1,2],"e":[],"n":null}|[1.5,["z",["2020-01-01",null]]]
2|NULL|NULL|NULL
3|[]|{}|[null,null]
4|[null]|{"x":[null]}|[null,[null,[]]]
5|[2147483647]|{"big":["9007199254740993"]}|[-0.5,["",null]]

query parts
select id, cardinality(a), element_at(m, 'k'), r.x, r.y.z, cardinality(r.y.w) from lake.nested.t order by id
---- trino: subscripts and field access on columns read from the lake
1|3|[1,2]|1.5|z|2
2|NULL|NULL|NULL|NULL|NULL
3|0|NULL|NULL|NULL|NULL
4|1|NULL|NULL|NULL|0
5|1|NULL|-0.5||NULL

query unnest_lake_column
select id, x from lake.nested.t cross join unnest(a) as u(x) order by id, x nulls first
---- trino: NULL elements are rows of their own; NULL and empty arrays give none
1|NULL
1|1
1|3
4|NULL
5|2147483647

query describe
describe lake.nested.t
---- trino: composite types as Trino names them
id|integer|""|""
a|array(integer)|""|""
m|map(varchar, array(bigint))|""|""
r|row(x double, y row(z varchar, w array(date)))|""|""

query show_create_table
show create table lake.nested.t
---- trino: the statement that creates it
"CREATE TABLE lake.nested.t (\n   id integer,\n   a array(integer),\n   m map(varchar, array(bigint)),\n   r row(x double, y row(z varchar, w array(date)))\n)"

query filter_is_null
select id from lake.nested.t where a is null or r.y is null order by id
---- trino: NULL composite values and NULL fields
2
3

statement ctas
create table lake.nested.c as select n_nationkey as k, array[n_name, null] as names, map(array[n_name], array[n_regionkey]) as by_name, cast(row(n_regionkey, array[n_nationkey]) as row(region bigint, keys array(bigint))) as r from nation

query ctas_read
select count(*), sum(cardinality(names)), sum(r.region), sum(r.keys[1]), count(by_name[names[1]]) from lake.nested.c
---- duckdb
select count(*), 2 * count(*), sum(n_regionkey), sum(n_nationkey), count(*) from nation
---- result
25|50|50|300|25

query ctas_rows
select k, names, by_name, r from lake.nested.c where k < 2 order by k
---- trino: composite values built by a query and stored
0|["ALGERIA",null]|{"ALGERIA":0}|[0,[0]]
1|["ARGENTINA",null]|{"ARGENTINA":1}|[1,[1]]

query update_composite
update lake.nested.t set a = array[9, null], r = row(2.5, row('new', array[])) where id = 2
---- trino: one row updated; its file is rewritten with the other rows' composite values
1

query after_update
select id, a, m, r from lake.nested.t order by id
---- trino: the updated row, every other row as it was
1|[1,null,3]|{"k":[1,2],"e":[],"n":null}|[1.5,["z",["2020-01-01",null]]]
2|[9,null]|NULL|[2.5,["new",[]]]
3|[]|{}|[null,null]
4|[null]|{"x":[null]}|[null,[null,[]]]
5|[2147483647]|{"big":["9007199254740993"]}|[-0.5,["",null]]

query interval_array_refused
create table lake.nested.bad (x array(interval day to second))
---- error NOT_SUPPORTED: lake tables cannot store type interval day to second (column 'x')

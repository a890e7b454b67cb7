# strpos(string, substring, instance) (the instance-th occurrence, from the end when negative) and
# from_unixtime (a UTC timestamp(3): quarry has no zoned timestamps).

query strpos_instance
select strpos('abc/xyz/foo/bar', '/', 1), strpos('abc/xyz/foo/bar', '/', 3), strpos('abc/xyz/foo/bar', '/', 4), strpos('abc/xyz/foo/bar', '/', -1), strpos('highhigh', 'ig', -2)
---- trino: Trino's own test values (DuckDB's strpos has no instance argument)
4|12|0|12|2

query strpos_instance_over_rows
select n_name, strpos(n_name, 'A', 2), strpos(n_name, 'A', -1) from nation where n_regionkey = 1 order by 1
---- duckdb
select n_name, coalesce(nullif(instr(substr(n_name, instr(n_name, 'A') + 1), 'A'), 0) + instr(n_name, 'A'), 0), case when instr(n_name, 'A') = 0 then 0 else length(n_name) - instr(reverse(n_name), 'A') + 1 end from nation where n_regionkey = 1 order by 1
---- result
ARGENTINA|9|9
BRAZIL|0|3
CANADA|4|6
PERU|0|0
UNITED STATES|0|10

query strpos_instance_zero_refused
select strpos('abc', 'b', 0)
---- error INVALID_FUNCTION_ARGUMENT: 'instance' must be a positive or negative number.

query from_unixtime_values
select from_unixtime(0), from_unixtime(1700000000), from_unixtime(1.5), from_unixtime(-86400.25)
---- types timestamp(3), timestamp(3), timestamp(3), timestamp(3)
---- duckdb
select make_timestamp(0), make_timestamp(1700000000000000), make_timestamp(1500000), make_timestamp(-86400250000)
---- result
1970-01-01 00:00:00|2023-11-14 22:13:20|1970-01-01 00:00:01.5|1969-12-30 23:59:59.75

query from_unixtime_over_rows
select o_orderkey, from_unixtime(o_orderkey * 1000) from orders where o_orderkey < 6 order by 1
---- duckdb
select o_orderkey, make_timestamp(o_orderkey * 1000000000) from orders where o_orderkey < 6 order by 1
---- result
1|1970-01-01 00:16:40
2|1970-01-01 00:33:20
3|1970-01-01 00:50:00
4|1970-01-01 01:06:40
5|1970-01-01 01:23:20

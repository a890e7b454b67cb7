# TINYINT to BIGINT: literal types, widening, integer division and modulus, casts between integer
# types and from doubles and strings, and overflow (an error in Trino, never a wrapped value).

query integer_literal_boundaries
select 2147483647, 2147483648, 9223372036854775807, -9223372036854775807, cast(-2147483648 as integer)
---- types integer, bigint, bigint, bigint, integer
---- result
2147483647|2147483648|9223372036854775807|-9223372036854775807|-2147483648

query bigint_beyond_2_53
select 9007199254740993, 9007199254740993 + 2, 9007199254740993 * 3, -9007199254740993 - 10
---- result
9007199254740993|9007199254740995|27021597764222979|-9007199254741003

query bigint_arithmetic_exact
select cast(4611686018427387903 as bigint) * 2, cast(9223372036854775806 as bigint) + 1, cast(-9223372036854775807 as bigint) - 1
---- result
9223372036854775806|9223372036854775807|-9223372036854775808

query small_integer_types
select cast(127 as tinyint), cast(-128 as tinyint), cast(32767 as smallint), cast(-32768 as smallint)
---- types tinyint, tinyint, smallint, smallint
---- result
127|-128|32767|-32768

query integer_widening_values
select cast(1 as tinyint) + cast(1 as smallint), cast(1 as smallint) + 1, 1 + cast(1 as bigint), cast(10 as tinyint) * cast(2 as tinyint)
---- types smallint, integer, bigint, tinyint
---- result
2|2|2|20

query integer_division_truncates
select 1 / 3, 5 / 3, -5 / 3, 5 / -3, cast(9223372036854775807 as bigint) / 2
---- duckdb
select 1 // 3, 5 // 3, -5 // 3, 5 // -3, cast(9223372036854775807 as bigint) // 2
---- result
0|1|-1|-1|4611686018427387903

query integer_modulus_sign
select 5 % 3, -5 % 3, 5 % -3, -5 % -3, mod(-7, 4)
---- result
2|-2|2|-2|-3

query integer_division_by_columns
select n_nationkey, n_nationkey / 4, n_nationkey % 4 from nation where n_nationkey between 5 and 12 order by n_nationkey
---- duckdb
select n_nationkey, n_nationkey // 4, n_nationkey % 4 from nation where n_nationkey between 5 and 12 order by n_nationkey
---- result
5|1|1
6|1|2
7|1|3
8|2|0
9|2|1
10|2|2
11|2|3
12|3|0

query sum_integer_types
select sum(n_nationkey), sum(cast(n_regionkey as tinyint)), sum(cast(n_nationkey as bigint)) from nation
---- types bigint, bigint, bigint
---- result
300|50|300

query avg_integer_is_double
select avg(n_nationkey), avg(cast(n_nationkey as bigint)) from nation
---- types double, double
---- result
12|12

query sum_bigint_beyond_2_53
select sum(x) from (values (cast(9007199254740993 as bigint)), (cast(9007199254740993 as bigint)), (cast(1 as bigint))) as t(x)
---- result
18014398509481987

query sum_bigint_near_limit
select sum(x) from (values (cast(9223372036854775000 as bigint)), (cast(800 as bigint)), (cast(-1000 as bigint))) as t(x)
---- result
9223372036854774800

query cast_double_to_integer_rounds_trino
select cast(2.5e0 as integer), cast(3.5e0 as integer), cast(-2.5e0 as integer), cast(2.4e0 as bigint), cast(-0.5e0 as integer)
---- trino: Trino rounds half away from zero when casting a double to an integer; DuckDB rounds half to even
3|4|-3|2|-1

query cast_string_to_integers
select cast('42' as integer), cast('-17' as bigint), cast('127' as tinyint), cast('+5' as smallint)
---- result
42|-17|127|5

query cast_integer_to_string
select cast(42 as varchar), cast(-9223372036854775807 as varchar), cast(cast(7 as tinyint) as varchar)
---- result
42|-9223372036854775807|7

query cast_boolean_integer
select cast(true as integer), cast(false as bigint), cast(0 as boolean), cast(5 as boolean)
---- result
1|0|false|true

query integer_abs_sign
select abs(-9223372036854775807), sign(0), sign(-5), sign(cast(7 as bigint))
---- result
9223372036854775807|0|-1|1

query integer_comparisons_mixed_width
select cast(1 as tinyint) = cast(1 as bigint), cast(2 as smallint) < 3, 2147483648 > 2147483647
---- result
true|true|true

query integer_overflow_addition
select 2147483647 + 1
---- error NUMERIC_VALUE_OUT_OF_RANGE

query integer_overflow_subtraction
select cast(-2147483648 as integer) - 1
---- error NUMERIC_VALUE_OUT_OF_RANGE

query integer_overflow_multiplication
select 65536 * 65536
---- error NUMERIC_VALUE_OUT_OF_RANGE

query bigint_overflow_addition
select 9223372036854775807 + 1
---- error NUMERIC_VALUE_OUT_OF_RANGE

query bigint_overflow_multiplication
select cast(4611686018427387904 as bigint) * 2
---- error NUMERIC_VALUE_OUT_OF_RANGE

query bigint_overflow_negation
select -x from (values (cast(-9223372036854775807 as bigint) - 1)) as t(x)
---- error NUMERIC_VALUE_OUT_OF_RANGE

query bigint_overflow_abs
select abs(x) from (values (cast(-9223372036854775807 as bigint) - 1)) as t(x)
---- error NUMERIC_VALUE_OUT_OF_RANGE

query integer_overflow_in_column_expression
select n_nationkey * 1000000000 from nation
---- error NUMERIC_VALUE_OUT_OF_RANGE

query sum_bigint_overflow
select sum(x) from (values (cast(9223372036854775807 as bigint)), (cast(1 as bigint))) as t(x)
---- error NUMERIC_VALUE_OUT_OF_RANGE

query tinyint_overflow
select cast(100 as tinyint) + cast(100 as tinyint)
---- error NUMERIC_VALUE_OUT_OF_RANGE

query cast_out_of_range_tinyint
select cast(300 as tinyint)
---- error NUMERIC_VALUE_OUT_OF_RANGE

query cast_out_of_range_integer_from_bigint
select cast(cast(3000000000 as bigint) as integer)
---- error NUMERIC_VALUE_OUT_OF_RANGE

query cast_double_out_of_range
select cast(1e20 as bigint)
---- error INVALID_CAST_ARGUMENT

query integer_division_by_zero
select 1 / 0
---- error DIVISION_BY_ZERO

query integer_modulus_by_zero
select 5 % 0
---- error DIVISION_BY_ZERO

query integer_division_by_zero_column
select n_nationkey / (n_regionkey - n_regionkey) from nation
---- error DIVISION_BY_ZERO

query bigint_min_divided_by_minus_one
select x / -1 from (values (cast(-9223372036854775807 as bigint) - 1)) as t(x)
---- error NUMERIC_VALUE_OUT_OF_RANGE

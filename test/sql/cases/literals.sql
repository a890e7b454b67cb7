# Integer literals as Trino types them: a minus written before a number belongs to the number
# (Trino's grammar: number: MINUS? INTEGER_VALUE), so -2147483648 is an integer; a literal past the
# integer range is a bigint; -(2147483648) negates a bigint.

query literal_types
select typeof(2147483647), typeof(-2147483648), typeof(2147483648), typeof(-2147483649), typeof(-(2147483648)), typeof(-9223372036854775808)
---- trino: Trino types integer literals by their signed value
integer|integer|bigint|bigint|bigint|bigint

query negated_parenthesized_literal
select abs(-(2147483648)), -(2147483648), - -5
---- types bigint, bigint, integer
---- duckdb
select abs(-(2147483648)), -(2147483648), - -5
---- result
2147483648|-2147483648|5

query abs_of_smallest_integer_refused
select abs(-2147483648)
---- error NUMERIC_VALUE_OUT_OF_RANGE: Value -2147483648 is out of range for abs(integer)

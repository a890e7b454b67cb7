# format(format, args…): Java's String.format over the values as Trino converts them (integers to
# Long, decimals to BigDecimal, doubles to Double, dates to LocalDate). DuckDB's format and printf
# follow other rules, so the expected rows are Java's, written by hand.

query format_trino_documentation
select format('%s%%', 123), format('%.5f', pi()), format('%03d', 8), format('%,.2f', 1234567.89), format('%-7s,%7s', 'hello', 'world'), format('%2$s %3$s %1$s', 'a', 'b', 'c')
---- trino: Trino's documented examples
123%|3.14159|008|1,234,567.89|"hello  ,  world"|b c a

query format_over_table_columns
select format('%-10s|%5d|%10.2f|%s', n_name, n_nationkey, n_nationkey * 1.5e0, n_regionkey = 1) from nation where n_nationkey < 3 order by n_nationkey
---- trino: Java's Formatter pads, rounds half up and prints booleans as true/false
"ALGERIA   |    0|      0.00|false"
"ARGENTINA |    1|      1.50|true"
"BRAZIL    |    2|      3.00|true"

query format_decimal_and_date
select format('%s %.1f %tY-%<tm', o_totalprice, o_totalprice, o_orderdate) from orders where o_orderkey = 1
---- trino: a decimal is a BigDecimal (exact, half up), a date a LocalDate
172799.49 172799.5 1996-01

query format_null_arguments
select format('%s-%d', null, null), format(null, 1)
---- trino: NULL values print as "null"; a NULL format gives NULL
null-null|NULL

query format_integer_as_float_refused
select format('%.2f', n_nationkey) from nation
---- error INVALID_FUNCTION_ARGUMENT: Invalid format string: %.2f (IllegalFormatConversion: f != java.lang.Long)

query format_missing_argument_refused
select format('%s %s', 'a')
---- error INVALID_FUNCTION_ARGUMENT: (MissingFormatArgument: Format specifier '%s')

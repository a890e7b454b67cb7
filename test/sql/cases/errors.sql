# Every failure the engine must raise, as Trino raises it: syntax errors (with line:column), names
# that do not resolve, type errors, and errors while evaluating (division by zero, failed casts,
# overflow, a scalar subquery with several rows). Overflow of integer arithmetic is in integers.sql.

query syntax_error_missing_from_item
select n_name from
---- error SYNTAX_ERROR at 1:19

query syntax_error_location_second_line
select n_name,
  from nation
---- error SYNTAX_ERROR at 2:3

query syntax_error_misspelled_keyword
selec n_name from nation
---- error SYNTAX_ERROR at 1:1

query syntax_error_unbalanced_parenthesis
select (1 + 2 from nation
---- error SYNTAX_ERROR at 1:15

query syntax_error_trailing_garbage
select 1 from nation where
---- error SYNTAX_ERROR at 1:27

query syntax_error_unterminated_string
select 'abc from nation
---- error SYNTAX_ERROR at 1:8

query syntax_error_third_line_column
select n_name
from nation
where n_regionkey = = 1
---- error SYNTAX_ERROR at 3:21

query syntax_error_two_statements
select 1; select 2
---- error SYNTAX_ERROR

query syntax_error_empty_statement
-- nothing but a comment
---- error SYNTAX_ERROR

query syntax_error_reserved_word_as_name
select from from nation
---- error SYNTAX_ERROR at 1:8

query syntax_error_bad_number
select 1.2.3
---- error SYNTAX_ERROR at 1:11

query syntax_error_case_without_end
select case when true then 1 from nation
---- error SYNTAX_ERROR at 1:30

query unknown_table
select * from no_such_table
---- error TABLE_NOT_FOUND : no_such_table

query unknown_table_location
select n_name
from nation, missing_table
---- error TABLE_NOT_FOUND at 2:14

query unknown_schema
select * from tpch.no_such_schema.nation
---- error SCHEMA_NOT_FOUND : no_such_schema

query unknown_catalog
select * from no_catalog.tiny.nation
---- error CATALOG_NOT_FOUND : no_catalog

query unknown_column
select n_nme from nation
---- error COLUMN_NOT_FOUND at 1:8 : n_nme

query unknown_column_in_where
select n_name from nation where n_region = 1
---- error COLUMN_NOT_FOUND at 1:33

query unknown_qualified_column
select nation.r_name from nation, region
---- error COLUMN_NOT_FOUND

query unknown_table_qualifier
select x.n_name from nation
---- error COLUMN_NOT_FOUND

query ambiguous_column
select n_name from nation a, nation b
---- error AMBIGUOUS_NAME : n_name

query alias_not_visible_in_where
select n_nationkey as k from nation where k > 3
---- error COLUMN_NOT_FOUND

query unknown_function
select no_such_function(1)
---- error FUNCTION_NOT_FOUND : no_such_function

query function_wrong_argument_count
select substr()
---- error FUNCTION_NOT_FOUND

query function_wrong_argument_types
select length(1)
---- error FUNCTION_NOT_FOUND

query type_mismatch_string_plus_number
select 'a' + 1
---- error TYPE_MISMATCH

query type_mismatch_date_comparison
select n_name from nation where n_nationkey = date '2020-01-01'
---- error TYPE_MISMATCH

query type_mismatch_where_not_boolean
select n_name from nation where n_nationkey
---- error TYPE_MISMATCH

query type_mismatch_case_branches
select case when true then 1 else 'x' end
---- error TYPE_MISMATCH

query type_mismatch_sum_of_varchar
select sum(n_name) from nation
---- error FUNCTION_NOT_FOUND

query type_mismatch_union_columns
select 1 union select 'a'
---- error TYPE_MISMATCH

query union_column_count_mismatch
select 1, 2 union select 3
---- error TYPE_MISMATCH

query type_mismatch_in_list
select 1 in ('a', 'b')
---- error TYPE_MISMATCH

query type_mismatch_interval_mix
select interval '1' year + interval '1' day
---- error TYPE_MISMATCH

query type_mismatch_like_on_number
select 1 like 'x'
---- error TYPE_MISMATCH

query not_aggregate_in_select
select n_name, count(*) from nation group by n_regionkey
---- error EXPRESSION_NOT_AGGREGATE : n_name

query not_aggregate_in_having
select n_regionkey from nation group by n_regionkey having n_name = 'x'
---- error EXPRESSION_NOT_AGGREGATE

query not_aggregate_in_order_by
select n_regionkey from nation group by n_regionkey order by n_nationkey
---- error EXPRESSION_NOT_AGGREGATE

query nested_aggregate
select sum(count(*)) from nation
---- error NESTED_AGGREGATION

query aggregate_in_where
select n_name from nation where count(*) > 1
---- error EXPRESSION_NOT_AGGREGATE

query aggregate_in_group_by
select count(*) from nation group by count(*)
---- error EXPRESSION_NOT_AGGREGATE

query order_by_ordinal_out_of_range
select n_name from nation order by 2
---- error INVALID_COLUMN_REFERENCE

query group_by_ordinal_out_of_range
select n_name from nation group by 3
---- error INVALID_COLUMN_REFERENCE

query column_alias_count_mismatch
select * from (values (1, 2)) as t(a)
---- error TYPE_MISMATCH

query values_rows_different_lengths
select * from (values (1, 2), (3)) as t(a, b)
---- error TYPE_MISMATCH

query select_star_without_from
select *
---- error COLUMN_NOT_FOUND : SELECT * not allowed

query in_subquery_two_columns
select 1 in (select n_nationkey, n_regionkey from nation)
---- error TYPE_MISMATCH

query scalar_subquery_two_columns
select (select n_nationkey, n_regionkey from nation where n_nationkey = 1)
---- error TYPE_MISMATCH

query scalar_subquery_more_than_one_row
select (select n_name from nation)
---- error INVALID_ARGUMENTS : multiple rows

query correlated_scalar_subquery_more_than_one_row
select r_name, (select n_name from nation where n_regionkey = r_regionkey) from region
---- error INVALID_ARGUMENTS : multiple rows

query division_by_zero_decimal
select 1.5 / 0
---- error DIVISION_BY_ZERO

query division_by_zero_decimal_column
select o_totalprice / (o_shippriority - o_shippriority) from orders
---- error DIVISION_BY_ZERO

query modulus_by_zero_decimal
select 10.5 % 0
---- error DIVISION_BY_ZERO

query division_by_zero_in_aggregate
select sum(n_nationkey / (n_regionkey - 2)) from nation
---- error DIVISION_BY_ZERO

query division_by_zero_double_is_infinity
select 1e0 / 0, -1e0 / 0
---- trino: dividing a double by zero is not an error: IEEE infinities
Infinity|-Infinity

query cast_invalid_integer
select cast('abc' as integer)
---- error INVALID_CAST_ARGUMENT : abc

query cast_invalid_date
select cast('2020-02-30' as date)
---- error INVALID_CAST_ARGUMENT

query cast_invalid_date_format
select cast('yesterday' as date)
---- error INVALID_CAST_ARGUMENT

query cast_invalid_double
select cast('1.2.3' as double)
---- error INVALID_CAST_ARGUMENT

query cast_invalid_decimal
select cast('12x' as decimal(5,2))
---- error INVALID_CAST_ARGUMENT

query cast_invalid_boolean
select cast('yes' as boolean)
---- error INVALID_CAST_ARGUMENT

query cast_invalid_in_column
select cast(n_name as integer) from nation
---- error INVALID_CAST_ARGUMENT

query cast_decimal_overflow
select cast(12345.678 as decimal(5,2))
---- error INVALID_CAST_ARGUMENT

query cast_varchar_to_decimal_overflow
select cast('123456' as decimal(5,2))
---- error INVALID_CAST_ARGUMENT

query cast_to_unknown_type
# Trino's code is TYPE_NOT_FOUND, which quarry's code table does not have
select cast(1 as no_such_type)
---- error NOT_SUPPORTED at 1:18 : Unknown type: no_such_type

query decimal_addition_overflow
select cast('99999999999999999999999999999999999999' as decimal(38,0)) + 1
---- error NUMERIC_VALUE_OUT_OF_RANGE

query decimal_multiplication_overflow
select cast('10000000000000000000' as decimal(38,0)) * cast('10000000000000000000' as decimal(38,0))
---- error NUMERIC_VALUE_OUT_OF_RANGE

query decimal_sum_overflow
select sum(x) from (values (cast('99999999999999999999999999999999999999' as decimal(38,0))), (cast('1' as decimal(38,0)))) as t(x)
---- error NUMERIC_VALUE_OUT_OF_RANGE

query invalid_date_literal
select date '2020-13-01'
---- error INVALID_LITERAL

query invalid_timestamp_literal
select timestamp 'not a time'
---- error INVALID_LITERAL

query invalid_interval_literal
select interval 'abc' day
---- error INVALID_LITERAL

query like_escape_too_long
select 'a' like 'a' escape 'xy'
---- error INVALID_FUNCTION_ARGUMENT

query like_pattern_ends_with_escape
select 'a' like 'a\' escape '\'
---- error INVALID_FUNCTION_ARGUMENT

query lpad_empty_padding
select lpad('a', 5, '')
---- error INVALID_FUNCTION_ARGUMENT

query chr_invalid_code_point
select chr(-1)
---- error INVALID_FUNCTION_ARGUMENT

query date_trunc_invalid_unit
select date_trunc('fortnight', date '2020-01-01')
---- error INVALID_FUNCTION_ARGUMENT

query date_diff_invalid_unit
select date_diff('eon', date '2020-01-01', date '2021-01-01')
---- error INVALID_FUNCTION_ARGUMENT

query split_part_zero_index
select split_part('a,b', ',', 0)
---- error INVALID_FUNCTION_ARGUMENT

query ntile_zero_buckets
select ntile(0) over (order by n_nationkey) from nation
---- error INVALID_FUNCTION_ARGUMENT

query window_function_in_where
select n_name from nation where row_number() over (order by n_name) = 1
---- error EXPRESSION_NOT_AGGREGATE

query negative_limit
select n_name from nation limit -1
---- error SYNTAX_ERROR

query error_mid_query_after_rows
select n_nationkey, 10 / (n_nationkey - 24) from nation
---- error DIVISION_BY_ZERO

query is_true_is_not_trino_syntax
# Trino's grammar has IS [NOT] NULL and IS [NOT] DISTINCT FROM, not IS TRUE
select true is true
---- error SYNTAX_ERROR at 1:16

query distinct_order_by_not_selected
select distinct n_regionkey from nation order by n_name
---- error EXPRESSION_NOT_AGGREGATE : ORDER BY

query with_column_list_count_mismatch
with t(a, b) as (select 1) select * from t
---- error TYPE_MISMATCH

query lag_negative_offset
select lag(n_nationkey, -1) over (order by n_nationkey) from nation
---- error INVALID_FUNCTION_ARGUMENT

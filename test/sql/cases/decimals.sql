# DECIMAL(p,s): exact arithmetic and Trino's precision/scale rules, sums beyond 2^53, division and
# rounding, DECIMAL(38,x) at the edges, and casts. Where quarry's column is a decimal and DuckDB's a
# double (DuckDB's decimal division and average are doubles), DuckDB's value is rounded half up to
# the column's scale before the comparison (see values.ts).

query decimal_literal_types
select 1.5, 123.456, 0.001, -99.99, 12345678901234567890.123456789
---- types decimal(2,1), decimal(6,3), decimal(3,3), decimal(4,2), decimal(29,9)
---- result
1.5|123.456|0.001|-99.99|12345678901234567890.123456789

query decimal_addition_exact
select 0.1 + 0.2, 0.1 + 0.2 = 0.3, 1.005 - 0.005, 999.99 + 0.01
---- result
0.3|true|1.000|1000.00

query decimal_addition_types
select 1.5 + 2.25, 99.9 + 0.01, cast(1 as decimal(38,2)) + cast(1 as decimal(38,2))
---- types decimal(4,2), decimal(5,2), decimal(38,2)
---- result
3.75|99.91|2.00

query decimal_multiplication_types
select 1.5 * 2.25, cast(2 as decimal(15,2)) * cast(3 as decimal(15,2)), 12.5 * 4
---- types decimal(5,3), decimal(30,4), decimal(13,1)
---- result
3.375|6.0000|50.0

query decimal_multiplication_values
select l_extendedprice, l_discount, l_extendedprice * l_discount, l_extendedprice * (1 - l_discount) * (1 + l_tax)
from lineitem where l_orderkey = 1 order by l_linenumber
---- result
24710.35|0.04|988.4140|24196.374720
56688.12|0.09|5101.9308|54681.360552
12301.04|0.10|1230.1040|11292.354720
25816.56|0.09|2323.4904|24902.653776
27389.76|0.10|2738.9760|25636.815360
33828.80|0.07|2368.0160|32089.999680

query decimal_division_rounds_half_up
select 1.00 / 3, 2.00 / 3, -2.00 / 3, 10.0 / 4, 1 / 8.000
---- trino: Trino divides decimals exactly, at scale max(s1, s2), rounding half up; DuckDB's division is a double
0.33|0.67|-0.67|2.5|0.125

query decimal_division_types
select 1.00 / 3, cast(10 as decimal(15,2)) / cast(4 as decimal(15,2)), 7.5 / 0.25
---- types decimal(3,2), decimal(17,2), decimal(5,2)
---- result
0.3333333333333333|2.5|30

query decimal_division_columns
select o_orderkey, o_totalprice / 7, o_totalprice / o_shippriority_plus
from (select o_orderkey, o_totalprice, o_shippriority + 3 as o_shippriority_plus from orders) where o_orderkey <= 35 order by o_orderkey
---- result
1|24685.641428571427|57599.829999999994
2|5489.441428571428|12808.696666666665
3|29379.18571428571|68551.43333333333
4|8000.13|18666.97
5|15052.524285714286|35122.556666666664
6|6503.3|15174.366666666667
7|38840.80857142857|90628.55333333333
32|28380.795714285716|66221.85666666667
33|20938.17714285714|48855.746666666666
34|10473.64|24438.493333333332
35|27805.989999999998|64880.64333333333

query decimal_modulus
select 10.5 % 3, -10.5 % 3, 7.25 % 0.5, mod(10.5, 3)
---- result
1.5|-1.5|0.25|1.5

query decimal_comparisons_across_scales
select 1.50 = 1.5, 1.5 < 1.51, 2.000 > 1.999, cast(1 as decimal(10,0)) = 1.0, 0.10 in (0.1, 0.2)
---- result
true|true|true|true|true

query decimal_vs_double_comparison
select 0.1 = 0.1e0, 1.5 = 1.5e0, 0.3 < 0.3e0
---- result
true|true|false

query decimal_negation_abs
select -l_extendedprice, abs(-l_extendedprice) from lineitem where l_orderkey = 3 order by l_linenumber
---- result
-42436.80|42436.80
-53468.31|53468.31
-32029.56|32029.56
-2388.58|2388.58
-48519.24|48519.24
-39588.12|39588.12

query decimal_round_half_up
select round(2.345, 2), round(2.355, 2), round(-2.345, 2), round(0.5), round(-0.5), round(1234.5678, -2)
---- result
2.35|2.36|-2.35|1|-1|1200

query decimal_round_to_zero_scale
select round(x), round(x, 0) from (values (1.4), (1.5), (-1.5), (2.5)) as t(x)
---- result
-2|-2
1|1
2|2
3|3

query decimal_truncate_ceil_floor
select ceil(x), floor(x), truncate(x) from (values (1.4), (1.5), (-1.5), (-1.4)) as t(x)
---- duckdb
select ceil(x), floor(x), trunc(x) from (values (1.4), (1.5), (-1.5), (-1.4)) as t(x)
---- result
-1|-2|-1
-1|-2|-1
2|1|1
2|1|1

query sum_decimal_type
select sum(l_quantity), sum(l_extendedprice) from lineitem
---- types decimal(38,2), decimal(38,2)
---- result
1536127.00|2152189760.47

query sum_decimal_beyond_2_53
# unscaled sums well past 2^53 (9.0e15): each product is ~1e17 in cents
select sum(l_extendedprice * 1000000), sum(l_extendedprice * 1000000) - sum(l_extendedprice * 999999) from lineitem
---- result
2152189760470000.00|2152189760.47

query sum_decimal_beyond_2_53_grouped
select l_returnflag, sum(l_extendedprice * 100000000), count(*) from lineitem group by l_returnflag
---- result
A|53234821165000000.00|14876
N|108524710347000000.00|30397
R|53459444535000000.00|14902

query sum_decimal_beyond_2_63
# past the 64-bit range of the unscaled value: exact decimal(38,2) sums
select sum(cast(l_extendedprice as decimal(38,2)) * 10000000000000000) from lineitem
---- result
21521897604700000000000000.00

query sum_large_decimal_literals
select sum(x) from (values (cast('12345678901234567890123456.78' as decimal(38,2))), (cast('87654321098765432109876543.22' as decimal(38,2))), (cast('-0.01' as decimal(38,2)))) as t(x)
---- result
99999999999999999999999999.99

query sum_decimal_positive_negative_cancel
select sum(x) from (values (cast('9999999999999999.99' as decimal(18,2))), (cast('-9999999999999999.98' as decimal(18,2)))) as t(x)
---- result
0.01

query avg_decimal_keeps_scale
select avg(x) from (values (0.01), (0.02)) as t(x)
---- types decimal(2,2)
---- trino: Trino's avg(decimal(p,s)) is decimal(p,s): the exact 0.015 rounds half up to 0.02 (DuckDB's avg is a double)
0.02

query avg_decimal_tpch
select l_returnflag, avg(l_quantity), avg(l_extendedprice), avg(l_discount), avg(l_tax) from lineitem group by l_returnflag order by l_returnflag
---- result
A|25.575154611454693|35785.70930693735|0.05008133906964238|0.040204356009680024
N|25.47034246800671|35702.44114452084|0.04990624074744218|0.040128631114912654
R|25.597168165346933|35874.00653268018|0.049827539927526504|0.040440209367870086

query avg_decimal_negative_rounding
select avg(x) from (values (-0.01), (-0.02)) as t(x)
---- trino: half up means away from zero: -0.015 → -0.02
-0.02

query decimal_38_max_values
select cast('99999999999999999999999999999999999999' as decimal(38,0)), cast('-99999999999999999999999999999999999999' as decimal(38,0)), cast('0.99999999999999999999999999999999999999' as decimal(38,38))
---- result
99999999999999999999999999999999999999|-99999999999999999999999999999999999999|0.99999999999999999999999999999999999999

query decimal_38_arithmetic
select cast('12345678901234567890123456789012345678' as decimal(38,0)) - 1, cast('1234567890123456789012345678901234567.8' as decimal(38,1)) * 1
---- result
12345678901234567890123456789012345677|1234567890123456789012345678901234567.8

query decimal_38_sum_stays_exact
select sum(x), count(*) from (values (cast('0.0000000000000000000000000000000000001' as decimal(38,37))), (cast('0.0000000000000000000000000000000000002' as decimal(38,37)))) as t(x)
---- result
0.0000000000000000000000000000000000003|2

query decimal_high_scale_multiplication
select cast('1.23456789' as decimal(10,8)) * cast('9.87654321' as decimal(10,8)), cast(0.5 as decimal(20,19)) * 2
---- result
12.1932631112635269|1.0000000000000000000

query decimal_cast_rounding
select cast(1.999 as decimal(3,1)), cast(-1.95 as decimal(3,1)), cast(1.04 as decimal(2,1)), cast(123.456 as decimal(10,5))
---- result
2.0|-2.0|1.0|123.45600

query decimal_cast_to_integer_rounds
select cast(2.5 as integer), cast(-2.5 as integer), cast(2.4 as bigint), cast(2.5 as smallint), cast(99.5 as tinyint)
---- result
3|-3|2|3|100

query decimal_cast_to_double_and_back
select cast(1.1 as double), cast(1.1e0 as decimal(10,2)), cast(-2.5e0 as decimal(3,1)), cast(cast(0.1 as real) as double) < 0.2
---- result
1.1|1.10|-2.5|true

query decimal_from_string
select cast('1.23' as decimal(10,2)), cast('-0.5' as decimal(5,3)), cast('7' as decimal(4,1)), cast('0.125' as decimal(4,2))
---- result
1.23|-0.500|7.0|0.13

query decimal_to_varchar
select cast(1.50 as varchar), cast(-0.05 as varchar), cast(cast(0 as decimal(5,2)) as varchar)
---- result
1.50|-0.05|0.00

query decimal_order_and_group
select o_orderstatus, max(o_totalprice), min(o_totalprice), count(distinct o_totalprice) from orders group by o_orderstatus order by max(o_totalprice) desc
---- result
O|466001.28|974.04|7331
F|408345.74|874.89|7303
P|376904.18|16145.49|363

query decimal_tpch_revenue_expression
select sum(l_extendedprice * (1 - l_discount)) as revenue, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as charge
from lineitem where l_shipdate >= date '1994-01-01' and l_shipdate < date '1995-01-01'
---- result
323088787.4287|336023171.765107

query decimal_integer_mix
select l_quantity * 2, l_quantity + 1, l_quantity / 2, l_linenumber * l_discount from lineitem where l_orderkey = 7 order by l_linenumber
---- result
24.00|13.00|6|0.07
18.00|10.00|4.5|0.16
92.00|47.00|23|0.30
56.00|29.00|14|0.12
76.00|39.00|19|0.40
70.00|36.00|17.5|0.36
10.00|6.00|2.5|0.28

query decimal_min_max_count_distinct
select min(p_retailprice), max(p_retailprice), count(distinct p_retailprice), sum(distinct p_size) from part
---- result
901.00|1900.99|1099|1275

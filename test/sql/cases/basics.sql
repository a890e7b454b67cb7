# Projections, literals, arithmetic, WHERE, BETWEEN, IN lists and boolean logic, over the TPC-H
# tables and inline rows.

query region_all
select * from region
---- result
0|AFRICA|"lar deposits. blithely final packages cajole. regular waters are final requests. regular accounts are according to "
1|AMERICA|hs use ironic, even requests. s
2|ASIA|ges. thinly even pinto beans ca
3|EUROPE|ly final courts cajole furiously final excuse
4|MIDDLE EAST|uickly special accounts cajole carefully blithely close requests. carefully final asymptotes haggle furiousl

query nation_filter_order
select n_nationkey, n_name, n_regionkey from nation where n_regionkey = 1 order by n_nationkey
---- result
1|ARGENTINA|1
2|BRAZIL|1
3|CANADA|1
17|PERU|1
24|UNITED STATES|1

query qualified_names
select nation.n_name, r.r_name from nation, region r where nation.n_regionkey = r.r_regionkey and r.r_name = 'ASIA'
---- result
CHINA|ASIA
INDIA|ASIA
INDONESIA|ASIA
JAPAN|ASIA
VIETNAM|ASIA

query literal_types
select 1, 2147483648, 1.5, 1e0, 'x', true, date '2020-01-01'
---- types integer, bigint, decimal(2,1), double, varchar(1), boolean, date
---- result
1|2147483648|1.5|1|x|true|2020-01-01

query int_division_trino
# Trino's integer division truncates toward zero; DuckDB spells that `//` (its `/` is a double division)
select 7 / 2, -7 / 2, 7 / -2, 7 % 3, -7 % 3, 7 % -3
---- duckdb
select 7 // 2, -7 // 2, 7 // -2, 7 % 3, -7 % 3, 7 % -3
---- result
3|-3|-3|1|-1|1

query int_division_columns_trino
select a, b, a / b, a % b from (values (17, 5), (-17, 5), (17, -5), (-17, -5), (0, 3)) as t(a, b)
---- duckdb
select a, b, a // b, a % b from (values (17, 5), (-17, 5), (17, -5), (-17, -5), (0, 3)) as t(a, b)
---- result
-17|-5|3|-2
-17|5|-3|-2
0|3|0|0
17|-5|-3|2
17|5|3|2

query arithmetic_precedence
select 2 + 3 * 4, (2 + 3) * 4, 2 - 3 - 4, -2 * -3, 10 - -1, +5
---- result
14|20|-5|6|11|5

query double_arithmetic
select 1e0 / 3, 2.5e0 * 4, 1e0 - 0.1e0, 1e300 * 1e300, -1e300 * 1e300, 1e0 / 0e0, -1e0 / 0e0
---- result
0.3333333333333333|10|0.9|Infinity|-Infinity|Infinity|-Infinity

query mixed_numeric_arithmetic
select 1 + 1.5, 2 * 1.25, 3 + 1e0, 1.5 + 1e0, 10 / 4.0
---- result
2.5|2.50|4|2.5|2.5

query where_and_or
select n_name from nation where n_regionkey = 0 or n_regionkey = 4 and n_nationkey > 15
---- result
ALGERIA
ETHIOPIA
KENYA
MOROCCO
MOZAMBIQUE
SAUDI ARABIA

query where_not
select r_name from region where not (r_regionkey < 2 or r_name like '%EAST')
---- result
ASIA
EUROPE

query between_orders
select count(*) from orders where o_totalprice between 1000 and 50000
---- result
2271

query not_between
select n_nationkey from nation where n_nationkey not between 3 and 22
---- result
0
1
2
23
24

query between_strings_dates
select count(*) from orders
where o_orderpriority between '1-URGENT' and '3-MEDIUM' and o_orderdate between date '1995-01-01' and date '1995-06-30'
---- result
653

query between_reversed_bounds
select count(*) from nation where n_nationkey between 10 and 5
---- result
0

query in_list_numbers
select n_name from nation where n_nationkey in (1, 3, 5, 7, 100)
---- result
ARGENTINA
CANADA
ETHIOPIA
GERMANY

query in_list_strings
select n_nationkey from nation where n_name in ('FRANCE', 'GERMANY', 'ATLANTIS')
---- result
6
7

query not_in_list
select r_regionkey from region where r_regionkey not in (0, 2, 4)
---- result
1
3

query in_list_mixed_types
select x from (values (1), (2), (3)) as t(x) where x in (1.0, 2.5, 3e0)
---- result
1
3

query comparison_operators
select sum(case when p_size < 10 then 1 else 0 end), sum(case when p_size <= 10 then 1 else 0 end),
       sum(case when p_size > 40 then 1 else 0 end), sum(case when p_size >= 40 then 1 else 0 end),
       sum(case when p_size = 25 then 1 else 0 end), sum(case when p_size <> 25 then 1 else 0 end),
       sum(case when p_size != 25 then 1 else 0 end)
from part
---- result
370|418|395|436|41|1959|1959

query select_expressions_on_columns
select o_orderkey, o_totalprice * 2, o_totalprice - 1000, o_shippriority + 1 from orders where o_orderkey < 40 order by o_orderkey
---- result
1|345598.98|171799.49|1
2|76852.18|37426.09|1
3|411308.60|204654.30|1
4|112001.82|55000.91|1
5|210735.34|104367.67|1
6|91046.20|44523.10|1
7|543771.32|270885.66|1
32|397331.14|197665.57|1
33|293134.48|145567.24|1
34|146630.96|72315.48|1
35|389283.86|193641.93|1
36|84022.08|41011.04|1
37|263792.98|130896.49|1
38|143106.16|70553.08|1
39|653130.74|325565.37|1

query select_distinct_rows
select distinct l_returnflag, l_linestatus from lineitem
---- result
A|F
N|F
N|O
R|F

query select_without_from
select 42 as answer, 'a' as letter
---- result
42|a

query column_aliases
select n_name as name, n_nationkey * 10 as k10 from nation where n_nationkey < 3 order by k10
---- result
ALGERIA|0
ARGENTINA|10
BRAZIL|20

query values_table
select * from (values (1, 'a'), (2, 'b'), (3, null)) as t(id, name)
---- result
1|a
2|b
3|NULL

query with_values
with t(a, b) as (values (1, 2), (3, 4), (5, 6)) select a + b, a * b from t
---- result
11|30
3|2
7|12

query with_two_queries
with small as (select n_nationkey, n_name from nation where n_nationkey < 5),
     big as (select n_nationkey from nation where n_nationkey > 20)
select (select count(*) from small), (select count(*) from big), (select max(n_name) from small)
---- result
5|4|EGYPT

query subquery_in_from
select s.k, s.name from (select n_nationkey as k, n_name as name from nation where n_regionkey = 2) as s where s.k > 8
---- result
12|JAPAN
18|CHINA
21|VIETNAM
9|INDONESIA

query boolean_columns
select x, not x, x and true, x or false from (values (true), (false)) as t(x)
---- result
false|true|false|false
true|false|true|true

query boolean_is_distinct_from_true
# Trino has no IS TRUE / IS FALSE predicates (see errors.sql): IS [NOT] DISTINCT FROM says the same
select x, x is not distinct from true, x is distinct from true, x is not distinct from false from (values (true), (false), (null)) as t(x)
---- result
NULL|false|true|false
false|false|true|true
true|true|false|false

query count_star_tables
select (select count(*) from region), (select count(*) from nation), (select count(*) from supplier),
       (select count(*) from customer), (select count(*) from part), (select count(*) from partsupp),
       (select count(*) from orders), (select count(*) from lineitem)
---- result
5|25|100|1500|2000|8000|15000|60175

query double_infinities
select x, x = x, x > 0, x < 1e308, -x from (values (cast('Infinity' as double)), (cast('-Infinity' as double)), (1e0)) as t(x)
---- result
-Infinity|true|false|true|Infinity
1|true|true|true|-1
Infinity|true|true|false|-Infinity

query nan_is_nan
select is_nan(cast('NaN' as double)), is_nan(1e0), is_nan(0e0 / 0e0), is_infinite(1e0 / 0e0), is_finite(1e0)
---- duckdb
select isnan(cast('NaN' as double)), isnan(1e0), isnan(cast('NaN' as double)), isinf(cast('Infinity' as double)), isfinite(1e0)
---- result
true|false|true|true|true

query math_functions
select abs(-5), abs(-2.5), ceil(2.1), floor(-2.1), round(2.567, 2), round(-2.5), sign(-3), sqrt(16e0), power(2, 10), mod(17, 5)
---- result
5|2.5|3|-3|2.57|-3|-1|4|1024|2

query math_functions_double
select ln(exp(1e0)), log10(1000e0), log2(8e0), cbrt(27e0), exp(0e0), truncate(2.7e0), truncate(-2.7e0)
---- duckdb
select ln(exp(1e0)), log10(1000e0), log2(8e0), cbrt(27e0), exp(0e0), trunc(2.7e0), trunc(-2.7e0)
---- result
1|3|3|3.0000000000000004|1|2|-2

query round_half_away_from_zero
select round(x), round(x, 1), round(-x), round(-x, 1) from (values (2.45), (2.55), (0.05)) as t(x)
---- result
0|0.1|0|-0.1
2|2.5|-2|-2.5
3|2.6|-3|-2.6

query round_doubles
select round(2.5e0), round(-2.5e0), round(3.14159e0, 3), round(0.5e0), round(1.5e0)
---- result
3|-3|3.142|1|2

query ceil_floor_decimal_types
select ceil(12.34), floor(12.34), ceil(-12.34), floor(-12.34)
---- types decimal(3,0), decimal(3,0), decimal(3,0), decimal(3,0)
---- result
13|12|-12|-13

query greatest_least
select greatest(1, 5, 3), least(1, 5, 3), greatest('b', 'a', 'c'), least(date '2020-01-01', date '2019-05-05'), greatest(1, 2.5)
---- result
5|1|c|2019-05-05|2.5

query greatest_least_null_trino
select greatest(1, null, 3), least(2, null)
---- trino: Trino's greatest/least return NULL when any argument is NULL; DuckDB skips NULLs
NULL|NULL

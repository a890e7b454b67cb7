# CASE (searched and simple), COALESCE, NULLIF, IF, CAST and TRY_CAST.

query searched_case
select n_nationkey, case when n_nationkey < 5 then 'low' when n_nationkey < 15 then 'mid' else 'high' end
from nation where n_nationkey in (0, 4, 5, 14, 15, 24) order by n_nationkey
---- result
0|low
4|low
5|mid
14|mid
15|high
24|high

query simple_case
select r_regionkey, case r_name when 'ASIA' then 1 when 'EUROPE' then 2 else 0 end from region order by r_regionkey
---- result
0|0
1|0
2|1
3|2
4|0

query case_without_else_is_null
select x, case when x > 1 then 'big' end from (values (1), (2)) as t(x)
---- result
1|NULL
2|big

query case_first_match_wins
select case when x > 0 then 'pos' when x > 10 then 'big' else 'other' end from (values (5), (50), (-1)) as t(x)
---- result
other
pos
pos

query case_result_type_unification
select case when x then 1 else 2.5 end, case when x then 1 else 1e0 end from (values (true), (false)) as t(x)
---- result
1.0|1
2.5|1

query case_in_aggregate
select sum(case when o_orderstatus = 'F' then 1 else 0 end), sum(case when o_orderstatus = 'O' then o_totalprice end),
       count(case when o_orderpriority = '1-URGENT' then 1 end) from orders
---- result
7304|1028376331.21|3020

query case_lazy_evaluation
# the division by zero of the branch not taken must not be evaluated
select case when x = 0 then 0 else 10 / x end from (values (0), (5)) as t(x)
---- duckdb
select case when x = 0 then 0 else 10 // x end from (values (0), (5)) as t(x)
---- result
0
2

query nested_case
select case when a is null then 'a null' else case when b is null then 'b null' else 'none' end end
from (values (1, 1), (null, 1), (1, null)) as t(a, b)
---- result
a null
b null
none

query coalesce_function
select coalesce(null, 1), coalesce(null, null, 'x'), coalesce(1, 2), coalesce(cast(null as integer), null)
---- result
1|x|1|NULL

query coalesce_columns
select a, b, coalesce(a, b, 0) from (values (1, null), (null, 2), (null, null)) as t(a, b)
---- result
1|NULL|1
NULL|2|2
NULL|NULL|0

query coalesce_lazy
select coalesce(x, 1 / 0) from (values (1), (2)) as t(x)
---- duckdb
select coalesce(x, 1 // 0) from (values (1), (2)) as t(x)
---- result
1
2

query coalesce_mixed_numeric_types
select coalesce(a, 1.5), coalesce(a, 2e0) from (values (1), (null)) as t(a)
---- result
1.0|1
1.5|2

query nullif_function
select nullif(1, 1), nullif(1, 2), nullif(null, 1), nullif('a', 'b'), nullif(1.50, 1.5)
---- result
NULL|1|NULL|a|NULL

query if_function
select if(x > 1, 'yes', 'no'), if(x > 1, 'yes') from (values (1), (2), (null)) as t(x)
---- duckdb
select if(x > 1, 'yes', 'no'), if(x > 1, 'yes', null) from (values (1), (2), (null)) as t(x)
---- result
no|NULL
no|NULL
yes|yes

query if_function_types
select if(true, 1, 2.5), if(false, 1, null)
---- result
1.0|NULL

query cast_numeric_family
select cast(1 as double), cast(2.5 as double), cast(7 as decimal(5,2)), cast(1e0 as decimal(3,1)), cast(3 as real)
---- result
1|2.5|7.00|1.0|3

query cast_varchar_to_numbers
select cast('12' as integer), cast('-3.25' as double), cast('1e3' as double), cast('12.5' as decimal(5,2))
---- result
12|-3.25|1000|12.50

query cast_varchar_to_boolean
select cast('true' as boolean), cast('FALSE' as boolean), cast('True' as boolean), cast('t' as boolean), cast('0' as boolean)
---- result
true|false|true|true|false

query cast_varchar_to_date_and_timestamp
select cast('2020-02-29' as date), cast('2020-02-29 10:11:12' as timestamp), cast('2020-02-29 10:11:12.5' as timestamp)
---- result
2020-02-29|2020-02-29 10:11:12|2020-02-29 10:11:12.5

query cast_double_to_varchar
select cast(1.5e0 as varchar), cast(0.1e0 as varchar), cast(-0.5e0 as varchar), cast(123.25e0 as varchar)
---- result
1.5|0.1|-0.5|123.25

query cast_double_to_varchar_trino
select cast(1e10 as varchar), cast(1e0 as varchar), cast(-2e0 as varchar)
---- trino: Trino prints doubles as Java does: 1.0E10, 1.0 (DuckDB: 10000000000.0, 1.0)
1.0E10|1.0|-2.0

query cast_integer_to_decimal_and_back
select cast(cast(12345 as decimal(10,2)) as integer), cast(cast(-7 as decimal(3,0)) as bigint)
---- result
12345|-7

query try_cast_invalid_is_null
select try_cast('abc' as integer), try_cast('12' as integer), try_cast('2020-13-01' as date), try_cast('x' as double), try_cast('1.5' as decimal(3,1))
---- result
NULL|12|NULL|NULL|1.5

query try_cast_out_of_range_is_null
select try_cast(300 as tinyint), try_cast('99999999999' as integer), try_cast(100 as tinyint)
---- result
NULL|NULL|100

query try_cast_boolean
select try_cast('yes' as boolean), try_cast('true' as boolean), try_cast('maybe' as boolean), try_cast('F' as boolean), try_cast('1' as boolean)
---- trino: Trino's varchar→boolean accepts true/false in any case and t/f/1/0, nothing else (DuckDB also takes 'yes')
NULL|true|NULL|false|true

query try_cast_column
select s, try_cast(s as integer) from (values ('1'), ('two'), (null), ('-3'), ('4.5')) as t(s)
---- trino: '4.5' is not an integer literal: Trino's varchar→integer parses whole numbers only (DuckDB rounds 4.5)
-3|-3
1|1
4.5|NULL
NULL|NULL
two|NULL

query cast_in_where_and_group
select cast(o_totalprice as integer) / 100000 as bucket, count(*) from orders group by cast(o_totalprice as integer) / 100000 order by bucket
---- duckdb
select cast(o_totalprice as integer) // 100000 as bucket, count(*) from orders group by cast(o_totalprice as integer) // 100000 order by bucket
---- result
0|5319
1|5871
2|3278
3|516
4|16

query cast_date_parts_to_varchar
select cast(extract(year from o_orderdate) as varchar) || '-' || lpad(cast(extract(month from o_orderdate) as varchar), 2, '0') as ym, count(*)
from orders where o_orderdate < date '1992-04-01' group by 1 order by 1
---- result
1992-01|203
1992-02|185
1992-03|202

query case_with_null_conditions
select case when a > b then 'gt' when a < b then 'lt' when a = b then 'eq' else 'unknown' end
from (values (1, 2), (2, 1), (1, 1), (null, 1)) as t(a, b)
---- result
eq
gt
lt
unknown

query coalesce_nullif_combined
select coalesce(nullif(n_regionkey, 0), -1), count(*) from nation group by 1 order by 1
---- result
-1|5
1|5
2|5
3|5
4|5

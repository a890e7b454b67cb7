# Dates, timestamps and intervals: literals, arithmetic across month ends and leap years, EXTRACT,
# date_trunc, date_diff, date_add and friends. DuckDB's date + interval and date_trunc of a date are
# timestamps (at midnight); quarry's are dates, as Trino's: values.ts compares those as dates.

query date_literals_and_casts
select date '2020-02-29', cast('2021-12-31' as date), cast(date '2000-01-01' as varchar), cast(date '1999-06-15' as timestamp)
---- result
2020-02-29|2021-12-31|2000-01-01|1999-06-15 00:00:00

query date_plus_days_leap_years
select date '2024-02-28' + interval '1' day, date '2023-02-28' + interval '1' day, date '1900-02-28' + interval '1' day,
       date '2000-02-28' + interval '1' day, date '2020-12-31' + interval '1' day
---- result
2024-02-29 00:00:00|2023-03-01 00:00:00|1900-03-01 00:00:00|2000-02-29 00:00:00|2021-01-01 00:00:00

query date_plus_month_clamps_to_month_end
select date '2020-01-31' + interval '1' month, date '2019-01-31' + interval '1' month, date '2020-03-31' - interval '1' month,
       date '2020-05-31' + interval '1' month, date '2020-08-31' + interval '6' month
---- result
2020-02-29 00:00:00|2019-02-28 00:00:00|2020-02-29 00:00:00|2020-06-30 00:00:00|2021-02-28 00:00:00

query date_plus_year_from_leap_day
select date '2020-02-29' + interval '1' year, date '2020-02-29' + interval '4' year, date '2020-02-29' - interval '1' year
---- result
2021-02-28 00:00:00|2024-02-29 00:00:00|2019-02-28 00:00:00

query date_minus_days_across_year
select date '2021-01-01' - interval '1' day, date '2021-03-01' - interval '1' day, date '2020-03-01' - interval '1' day
---- result
2020-12-31 00:00:00|2021-02-28 00:00:00|2020-02-29 00:00:00

query date_plus_year_to_month_interval
select date '2020-01-31' + interval '13' month, date '2019-11-30' + interval '3' month
---- result
2021-02-28 00:00:00|2020-02-29 00:00:00

query date_comparisons
select date '2020-01-01' < date '2020-01-02', date '2020-02-29' = cast('2020-02-29' as date), date '2019-12-31' between date '2019-01-01' and date '2019-12-31'
---- result
true|true|true

query orders_by_date_range
select count(*), min(o_orderdate), max(o_orderdate) from orders where o_orderdate >= date '1995-03-15' and o_orderdate < date '1995-03-15' + interval '3' month
---- result
543|1995-03-15|1995-06-14

query tpch_q6_date_window
select count(*) from lineitem where l_shipdate >= date '1994-01-01' and l_shipdate < date '1994-01-01' + interval '1' year
---- result
9484

query extract_fields
select extract(year from date '2020-05-17'), extract(month from date '2020-05-17'), extract(day from date '2020-05-17'),
       extract(quarter from date '2020-05-17'), extract(doy from date '2020-12-31')
---- result
2020|5|17|2|366

query extract_day_of_week_iso
select extract(dow from date '2020-01-05'), extract(dow from date '2020-01-06'), day_of_week(date '2020-01-04')
---- duckdb
select isodow(date '2020-01-05'), isodow(date '2020-01-06'), isodow(date '2020-01-04')
---- result
7|1|6

query extract_from_timestamp
select extract(hour from timestamp '2020-05-17 13:45:30'), extract(minute from timestamp '2020-05-17 13:45:30'),
       extract(second from timestamp '2020-05-17 13:45:30'), extract(year from timestamp '2020-05-17 13:45:30')
---- result
13|45|30|2020

query date_part_functions
select year(d), month(d), day(d), quarter(d), day_of_year(d)
from (values (date '2020-02-29'), (date '2021-12-31'), (date '1992-01-01')) as t(d)
---- duckdb
select year(d), month(d), day(d), quarter(d), dayofyear(d)
from (values (date '2020-02-29'), (date '2021-12-31'), (date '1992-01-01')) as t(d)
---- result
1992|1|1|1|1
2020|2|29|1|60
2021|12|31|4|365

query iso_week
select week(date '2021-01-01'), week(date '2020-12-31'), week(date '2021-01-04'), week_of_year(date '2019-12-30')
---- duckdb
select week(date '2021-01-01'), week(date '2020-12-31'), week(date '2021-01-04'), weekofyear(date '2019-12-30')
---- result
53|53|1|1

query extract_group_by_year
select extract(year from o_orderdate) as y, count(*) from orders group by extract(year from o_orderdate) order by y
---- result
1992|2256
1993|2307
1994|2303
1995|2204
1996|2297
1997|2287
1998|1346

query date_trunc_date
select date_trunc('year', d), date_trunc('quarter', d), date_trunc('month', d), date_trunc('week', d), date_trunc('day', d)
from (values (date '2020-05-17'), (date '2021-01-01'), (date '2020-12-31')) as t(d)
---- result
2020-01-01 00:00:00|2020-04-01 00:00:00|2020-05-01 00:00:00|2020-05-11 00:00:00|2020-05-17 00:00:00
2020-01-01 00:00:00|2020-10-01 00:00:00|2020-12-01 00:00:00|2020-12-28 00:00:00|2020-12-31 00:00:00
2021-01-01 00:00:00|2021-01-01 00:00:00|2021-01-01 00:00:00|2020-12-28 00:00:00|2021-01-01 00:00:00

query date_trunc_type
select date_trunc('month', date '2020-05-17')
---- types date
---- result
2020-05-01 00:00:00

query date_trunc_timestamp
select date_trunc('hour', ts), date_trunc('minute', ts), date_trunc('day', ts), date_trunc('month', ts)
from (values (timestamp '2020-05-17 13:45:30.123')) as t(ts)
---- result
2020-05-17 13:00:00|2020-05-17 13:45:00|2020-05-17 00:00:00|2020-05-01 00:00:00

query date_diff_days
select date_diff('day', date '2020-01-01', date '2021-01-01'), date_diff('day', date '2021-01-01', date '2020-01-01'),
       date_diff('day', date '2020-02-28', date '2020-03-01'), date_diff('day', date '2019-02-28', date '2019-03-01')
---- result
366|-366|2|1

query date_diff_whole_units
# Trino counts whole units elapsed (DuckDB's date_diff counts boundaries crossed; its date_sub counts whole units)
select date_diff('month', date '2020-01-31', date '2020-02-28'), date_diff('month', date '2020-01-15', date '2020-03-14'),
       date_diff('month', date '2020-01-15', date '2020-03-15'), date_diff('year', date '2019-12-31', date '2020-01-01'),
       date_diff('year', date '2019-06-01', date '2021-06-01'), date_diff('week', date '2020-01-01', date '2020-01-14'),
       date_diff('quarter', date '2020-01-01', date '2020-09-30')
---- duckdb
select date_sub('month', date '2020-01-31', date '2020-02-28'), date_sub('month', date '2020-01-15', date '2020-03-14'),
       date_sub('month', date '2020-01-15', date '2020-03-15'), date_sub('year', date '2019-12-31', date '2020-01-01'),
       date_sub('year', date '2019-06-01', date '2021-06-01'), date_sub('week', date '2020-01-01', date '2020-01-14'),
       date_sub('quarter', date '2020-01-01', date '2020-09-30')
---- result
0|1|2|0|2|1|2

query date_diff_month_end_trino
select date_diff('month', date '2020-01-31', date '2020-02-29'), date_diff('month', date '2020-02-29', date '2020-03-31'),
       date_diff('year', date '2020-02-29', date '2021-02-28')
---- trino: Joda's whole-month count treats a last-day-of-month end as reaching any later start day: 1, 1, 1
1|1|1

query date_diff_negative
select date_diff('month', date '2020-03-15', date '2020-01-20'), date_diff('year', date '2022-01-01', date '2020-06-01')
---- duckdb
select date_sub('month', date '2020-03-15', date '2020-01-20'), date_sub('year', date '2022-01-01', date '2020-06-01')
---- result
-1|-1

query date_diff_tpch_columns
select o_orderkey, date_diff('day', o_orderdate, l_shipdate) from orders join lineitem on o_orderkey = l_orderkey
where o_orderkey < 10 and l_linenumber = 1 order by o_orderkey
---- result
1|71
2|58
3|111
4|91
5|93
6|66
7|118

query date_add_function
select date_add('day', 10, date '2020-02-25'), date_add('month', 1, date '2020-01-31'), date_add('year', -1, date '2020-02-29'),
       date_add('week', 2, date '2020-12-25'), date_add('quarter', 1, date '2020-11-30')
---- duckdb
select date '2020-02-25' + interval 10 day, date '2020-01-31' + interval 1 month, date '2020-02-29' - interval 1 year,
       date '2020-12-25' + interval 14 day, date '2020-11-30' + interval 3 month
---- result
2020-03-06 00:00:00|2020-02-29 00:00:00|2019-02-28 00:00:00|2021-01-08 00:00:00|2021-02-28 00:00:00

query last_day_of_month
select last_day_of_month(date '2020-02-03'), last_day_of_month(date '2021-02-03'), last_day_of_month(date '2020-12-31'), last_day_of_month(date '2020-04-01')
---- duckdb
select last_day(date '2020-02-03'), last_day(date '2021-02-03'), last_day(date '2020-12-31'), last_day(date '2020-04-01')
---- result
2020-02-29|2021-02-28|2020-12-31|2020-04-30

query timestamp_literals
select timestamp '2020-01-02 03:04:05', timestamp '2020-01-02 03:04:05.123', cast('2020-01-02 03:04:05' as timestamp)
---- result
2020-01-02 03:04:05|2020-01-02 03:04:05.123|2020-01-02 03:04:05

query timestamp_arithmetic
select timestamp '2020-01-31 23:30:00' + interval '1' month, timestamp '2020-12-31 23:30:00' + interval '45' minute,
       timestamp '2020-03-01 00:00:00' - interval '1' second, timestamp '2020-02-28 12:00:00' + interval '1' day
---- result
2020-02-29 23:30:00|2021-01-01 00:15:00|2020-02-29 23:59:59|2020-02-29 12:00:00

query timestamp_difference_interval
select timestamp '2020-01-02 03:00:00' - timestamp '2020-01-01 01:30:00', timestamp '2020-01-01 00:00:00' - timestamp '2020-01-03 12:00:00'
---- result
1 01:30:00.000|-2 12:00:00.000

query timestamp_to_date_and_compare
select cast(timestamp '2020-05-17 23:59:59' as date), timestamp '2020-05-17 00:00:00' = cast(date '2020-05-17' as timestamp),
       timestamp '2020-05-17 10:00:00' > timestamp '2020-05-17 09:59:59.999'
---- result
2020-05-17|true|true

query interval_day_to_second_arithmetic
select interval '1' day + interval '2' hour, interval '3' day - interval '1' second, interval '90' minute, -interval '2' day
---- result
1 02:00:00.000|2 23:59:59.000|0 01:30:00.000|-2 00:00:00.000

query interval_times_number
select interval '2' day * 3, interval '5' month * 2, 3 * interval '1' hour
---- result
6 00:00:00.000|0-10|0 03:00:00.000

query interval_year_to_month_arithmetic
select interval '2' year + interval '3' month, interval '1' year - interval '13' month, -interval '5' month
---- result
2-3|-0-1|-0-5

query interval_comparisons
select interval '1' day > interval '23' hour, interval '1' year = interval '12' month, interval '60' minute = interval '1' hour
---- result
true|true|true

query date_string_conversions
select cast(d as varchar), cast(cast(d as varchar) as date) = d from (values (date '0001-01-01'), (date '1970-01-01'), (date '9999-12-31')) as t(d)
---- result
0001-01-01|true
1970-01-01|true
9999-12-31|true

query date_min_max_group
select o_orderpriority, min(o_orderdate), max(o_orderdate) from orders group by o_orderpriority
---- result
1-URGENT|1992-01-01|1998-08-02
2-HIGH|1992-01-01|1998-07-31
3-MEDIUM|1992-01-01|1998-08-02
4-NOT SPECIFIED|1992-01-01|1998-08-02
5-LOW|1992-01-01|1998-08-02

query date_order_by
select o_orderkey, o_orderdate from orders where o_custkey = 1 order by o_orderdate desc, o_orderkey
---- result
34019|1998-03-29
14656|1997-11-18
9154|1997-06-23
36422|1997-03-04
24322|1997-01-29
53283|1995-10-29
52263|1994-05-08
43879|1993-08-13
31653|1993-06-05

query dates_before_epoch
select date '1969-12-31' + interval '1' day, date '1960-02-29' + interval '1' year, extract(year from date '1900-03-01'),
       date_diff('day', date '1900-01-01', date '1970-01-01')
---- result
1970-01-01 00:00:00|1961-02-28 00:00:00|1900|25567

query date_format_function
select date_format(date '2020-05-07', '%Y-%m-%d'), date_format(timestamp '2020-05-07 13:04:05', '%H:%i:%s')
---- duckdb
select strftime(date '2020-05-07', '%Y-%m-%d'), strftime(timestamp '2020-05-07 13:04:05', '%H:%M:%S')
---- result
2020-05-07|13:04:05

query date_distinct_months
select count(distinct date_trunc('month', o_orderdate)), count(distinct extract(month from o_orderdate)) from orders
---- result
80|12

query year_of_week
select year_of_week(date '2021-01-01'), year_of_week(date '2019-12-30'), year_of_week(date '2020-06-15')
---- duckdb
select isoyear(date '2021-01-01'), isoyear(date '2019-12-30'), isoyear(date '2020-06-15')
---- result
2020|2020|2020

query timestamp_to_varchar
select cast(timestamp '2020-01-02 03:04:05.123' as varchar), cast(timestamp '2020-01-02 03:04:05' as varchar)
---- result
2020-01-02 03:04:05.123|2020-01-02 03:04:05

query date_equals_timestamp
select date '2020-01-01' = timestamp '2020-01-01 00:00:00', date '2020-01-01' < timestamp '2020-01-01 00:00:01'
---- result
true|true

query timestamp_group_and_max
select date_trunc('month', ts), max(ts), count(*) from (values (timestamp '2020-01-05 10:00:00'), (timestamp '2020-01-20 08:30:00'), (timestamp '2020-02-01 00:00:00')) as t(ts) group by 1
---- result
2020-01-01 00:00:00|2020-01-20 08:30:00|2
2020-02-01 00:00:00|2020-02-01 00:00:00|1

query date_minus_twelve_months_from_leap_day
select date '2020-02-29' - interval '12' month, date '2024-02-29' + interval '48' month
---- result
2019-02-28 00:00:00|2028-02-29 00:00:00

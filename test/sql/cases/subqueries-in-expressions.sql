# Subqueries anywhere in an expression: in arithmetic, CASE, function arguments, HAVING, aggregate and
# window function arguments, FILTER, the ON condition of an inner join and VALUES rows; correlated
# where decorrelation handles it. What is still unsupported fails at the subquery's line and column.

query having_arithmetic_over_scalar_subquery
select count(*) from nation having count(*) > (select 1) + 0
---- result
25

query having_grouped_subquery_on_the_left
select n_regionkey, count(*) from nation group by n_regionkey
having (select min(r_regionkey) from region) + 4 < count(*) order by 1
---- result
0|5
1|5
2|5
3|5
4|5

query case_condition_subquery
select n_name, case when n_regionkey = (select r_regionkey from region where r_name = 'ASIA') then 'asia' else (select 'other') end
from nation where n_nationkey < 10 order by 1
---- result
ALGERIA|other
ARGENTINA|other
BRAZIL|other
CANADA|other
EGYPT|other
ETHIOPIA|other
FRANCE|other
GERMANY|other
INDIA|asia
INDONESIA|asia

query function_arguments
select n_name, abs(n_nationkey - (select count(*) from region)), coalesce(nullif(n_regionkey, (select max(r_regionkey) from region)), -1)
from nation order by 1
---- result
ALGERIA|5|0
ARGENTINA|4|1
BRAZIL|3|1
CANADA|2|1
CHINA|13|2
EGYPT|1|-1
ETHIOPIA|0|0
FRANCE|1|3
GERMANY|2|3
INDIA|3|2
INDONESIA|4|2
IRAN|5|-1
IRAQ|6|-1
JAPAN|7|2
JORDAN|8|-1
KENYA|9|0
MOROCCO|10|0
MOZAMBIQUE|11|0
PERU|12|1
ROMANIA|14|3
RUSSIA|17|3
SAUDI ARABIA|15|-1
UNITED KINGDOM|18|3
UNITED STATES|19|1
VIETNAM|16|2

query grouping_key_next_to_subquery_arithmetic
select n_regionkey, (select 100) + max(n_nationkey), (select 1) + 0 from nation group by n_regionkey order by 1
---- result
0|116|1
1|124|1
2|121|1
3|123|1
4|120|1

query aggregate_argument_and_filter
select sum(n_nationkey * (select count(*) from region)), count(*) filter (where n_regionkey = (select min(r_regionkey) from region)) from nation
---- result
1500|5

query correlated_subquery_in_aggregate_argument
select sum((select count(*) from nation n2 where n2.n_regionkey = n.n_regionkey)) from nation n
---- result
125

query window_function_argument
select n_name, sum(n_nationkey + (select 1)) over (partition by n_regionkey) from nation order by 1
---- result
ALGERIA|55
ARGENTINA|52
BRAZIL|52
CANADA|52
CHINA|73
EGYPT|63
ETHIOPIA|55
FRANCE|82
GERMANY|82
INDIA|73
INDONESIA|73
IRAN|63
IRAQ|63
JAPAN|73
JORDAN|63
KENYA|55
MOROCCO|55
MOZAMBIQUE|55
PERU|52
ROMANIA|82
RUSSIA|82
SAUDI ARABIA|63
UNITED KINGDOM|82
UNITED STATES|52
VIETNAM|73

query inner_join_on_scalar_subquery
select n_name, r_name from nation join region on n_regionkey = r_regionkey and r_regionkey < (select count(*) from region) - 3 order by 1
---- result
ALGERIA|AFRICA
ARGENTINA|AMERICA
BRAZIL|AMERICA
CANADA|AMERICA
ETHIOPIA|AFRICA
KENYA|AFRICA
MOROCCO|AFRICA
MOZAMBIQUE|AFRICA
PERU|AMERICA
UNITED STATES|AMERICA

query inner_join_on_correlated_exists
select count(*) from nation join region on n_regionkey = r_regionkey
and exists (select 1 from supplier where s_nationkey = n_nationkey and s_acctbal > 9000)
---- result
9

query values_rows_with_subqueries
select * from (values (1, (select count(*) from region)), ((select 2) + 1, 7)) t(a, b) order by a
---- result
1|5
3|7

query in_predicate_inside_case_arithmetic
select n_name, (case when n_nationkey in (select s_nationkey from supplier where s_acctbal > 9900) then 1 else 0 end) + (select 10)
from nation order by 1
---- result
ALGERIA|10
ARGENTINA|10
BRAZIL|10
CANADA|10
CHINA|10
EGYPT|10
ETHIOPIA|10
FRANCE|10
GERMANY|10
INDIA|10
INDONESIA|10
IRAN|10
IRAQ|10
JAPAN|10
JORDAN|10
KENYA|10
MOROCCO|10
MOZAMBIQUE|10
PERU|10
ROMANIA|10
RUSSIA|10
SAUDI ARABIA|10
UNITED KINGDOM|10
UNITED STATES|11
VIETNAM|10

query correlated_subquery_in_having_arithmetic
select n_regionkey, count(*) from nation n group by n_regionkey
having count(*) >= (select count(*) from region r where r.r_regionkey = n.n_regionkey) + 4 order by 1
---- result
0|5
1|5
2|5
3|5
4|5

query order_by_subquery_arithmetic
select n_regionkey from nation group by n_regionkey order by (select 1) * sum(n_nationkey) desc, 1
---- result
3
2
4
0
1

query outer_join_on_subquery_refused
select n_name from nation
left join region on n_regionkey = r_regionkey and r_regionkey in (select 1)
---- error NOT_SUPPORTED at 2:51: ON condition of a LEFT join

query set_operation_order_by_subquery_refused
select n_name from nation union select r_name from region
order by (select 1)
---- error NOT_SUPPORTED at 2:10: Subqueries are not supported in this position

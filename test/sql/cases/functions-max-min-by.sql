# max_by(x, y) and min_by(x, y): the x of the row with the greatest (least) y. Rows whose y is NULL
# are skipped; in Trino a NULL x of the best row is the result (DuckDB skips rows whose x is NULL).

query max_by_min_by_global
select max_by(n_name, n_nationkey), min_by(n_name, n_nationkey), max_by(n_nationkey, n_name), min_by(n_regionkey, n_comment) from nation
---- result
UNITED STATES|ALGERIA|21|0

query max_by_grouped
select n_regionkey, max_by(n_name, n_nationkey), min_by(n_name, n_nationkey) from nation group by n_regionkey order by 1
---- result
0|MOZAMBIQUE|ALGERIA
1|UNITED STATES|ARGENTINA
2|VIETNAM|INDIA
3|UNITED KINGDOM|FRANCE
4|SAUDI ARABIA|EGYPT

query max_by_decimal_and_date_keys
select o_orderpriority, max_by(o_orderkey, o_totalprice), min_by(o_orderdate, o_orderkey), max_by(o_totalprice, o_orderkey)
from orders group by o_orderpriority order by 1
---- result
1-URGENT|44707|1996-12-01|242729.20
2-HIGH|29158|1996-01-10|299401.61
3-MEDIUM|52965|1993-10-27|243021.96
4-NOT SPECIFIED|59106|1992-02-21|98245.72
5-LOW|35460|1996-01-02|59995.27

query max_by_over_partitions
select c_mktsegment, max_by(c_acctbal, c_custkey), min_by(c_custkey, c_name) from customer group by c_mktsegment order by 1
---- result
AUTOMOBILE|9128.69|2
BUILDING|5859.97|1
FURNITURE|6227.55|9
HOUSEHOLD|-875.17|5
MACHINERY|6910.79|4

query max_by_skips_null_keys
select max_by(x, k), min_by(x, k) from (values ('a', null), ('b', 1), ('c', 2), ('d', null)) t(x, k)
---- result
c|b

query max_by_keeps_null_value
select max_by(x, k), min_by(x, k) from (values (null, 3), ('b', 1), ('c', 2)) t(x, k)
---- trino: the x of the row with the greatest y is returned even when NULL (DuckDB skips NULL values of x)
NULL|b

query max_by_no_rows
select max_by(n_name, n_nationkey) from nation where n_nationkey < 0
---- result
NULL

query max_by_one_argument_refused
select max_by(n_name) from nation
---- error FUNCTION_NOT_FOUND at 1:8: max_by(V, K)

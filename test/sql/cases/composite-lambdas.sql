# Lambdas (issue 15 part 1): transform, filter, reduce, any_match/all_match/none_match,
# transform_values, map_filter; `x -> expr` and `(k, v) -> expr`, reading columns of the row.

query transform_filter
select transform(array[1, 2, 3], x -> x * 10), filter(array[1, 2, 3, 4], x -> x % 2 = 0), transform(array['a', null], x -> x || '!')
---- trino: lambdas over arrays; NULL elements reach the lambda as NULL
[10,20,30]|[2,4]|["a!",null]

query reduce_sum_and_widening
select reduce(array[1, 2, 3], 0, (s, x) -> s + x, s -> s * 2), reduce(array[5, 20, 50], 0, (s, x) -> s + x, s -> s), reduce(array[1.5, 2.5], 0.0, (s, x) -> s + x, s -> s)
---- trino: reduce folds left, then finishes
12|75|4.0

query matches
select any_match(array[1, 2], x -> x > 1), all_match(array[1, 2], x -> x > 1), none_match(array[1, 2], x -> x > 5), any_match(array[1, null], x -> x > 1), all_match(array[], x -> x > 1)
---- trino: NULL where a NULL result leaves it undecided
true|false|true|NULL|true

query map_lambdas
select transform_values(map(array['a', 'b'], array[1, 2]), (k, v) -> v * 100), map_filter(map(array['a', 'b'], array[1, 2]), (k, v) -> k = 'b')
---- trino: lambdas over map entries
{"a":100,"b":200}|{"b":2}

query lambda_reads_column
select n_nationkey, transform(array[1, 2], x -> x + n_nationkey) from nation where n_nationkey < 3 order by 1
---- trino: a lambda body may read the row's columns
0|[1,2]
1|[2,3]
2|[3,4]

query nested_lambdas
select transform(array[array[1, 2], array[3]], a -> transform(a, x -> x + cardinality(a)))
---- trino: an inner lambda reads the outer one's parameter
[[3,4],[4]]

query lambda_param_hides_column
select transform(array[100], n_nationkey -> n_nationkey + 1) from nation where n_nationkey = 0
---- trino: the parameter, not the column
[101]

query lambda_outside_function
select x -> x + 1
---- error TYPE_MISMATCH at 1:8: only allowed as an argument

query lambda_wrong_arity
select transform(array[1], (x, y) -> x)
---- error TYPE_MISMATCH at 1:28: Lambda takes 1 parameter, not 2

query lambda_code_is_never_text
select transform(array['"); process.exit(1); ("'], "x); process.exit(1); (y" -> "x); process.exit(1); (y" || 'ok')
---- trino: parameter names never become code
["\"); process.exit(1); (\"ok"]

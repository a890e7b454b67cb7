# Strings: substr (negative indexes too), LIKE with ESCAPE, concatenation, trim, lpad/rpad,
# upper/lower and length with non-ASCII text, position, replace, split_part and comparisons.

query substr_positive
select substr('hello', 1), substr('hello', 2), substr('hello', 2, 3), substr('hello', 5, 10), substr('hello', 6)
---- result
hello|ello|ell|o|""

query substr_negative_start
select substr('hello', -1), substr('hello', -3), substr('hello', -3, 2), substr('hello', -5, 1)
---- result
o|llo|ll|h

query substr_edges_trino
select substr('hello', 0), substr('hello', 0, 2), substr('hello', 2, 0), substr('hello', 2, -1), substr('hello', -10), substr('', 1)
---- trino: Trino's substr returns '' for start 0, a length ≤ 0 and a negative start before the beginning (DuckDB counts those differently)
""|""|""|""|""|""

query substring_from_for
select substring('database' from 3), substring('database' from 3 for 4), substring('database', 5)
---- duckdb
select substring('database', 3), substring('database', 3, 4), substring('database', 5)
---- result
tabase|taba|base

query substr_non_ascii
select substr('héllo wörld', 2, 4), substr('日本語テキスト', -3), substr('a😀b', 2, 1)
---- result
éllo|キスト|😀

query length_non_ascii
select length('hello'), length('héllo'), length('日本語'), length('a😀b'), length(''), length(' x ')
---- result
5|5|3|3|0|3

query upper_lower
select upper('hello World'), lower('HeLLo'), upper('héllo'), lower('ÀÉÎÕÜ'), upper('ÿ')
---- result
HELLO WORLD|hello|HÉLLO|àéîõü|Ÿ

query upper_sharp_s
select upper('ß1'), upper('straße')
---- trino: Trino maps code point by code point: ß has no one-letter upper case and stays
ß1|STRAßE

query concat_operator
select 'a' || 'b' || 'c', 'x' || '', '' || '', n_name || '-' || r_name from nation join region on n_regionkey = r_regionkey where n_nationkey = 0
---- result
abc|x|""|ALGERIA-AFRICA

query concat_function
select concat('a', 'b'), concat('a', 'b', 'c', 'd'), concat(n_name, ':', cast(n_nationkey as varchar)) from nation where n_nationkey = 7
---- result
ab|abcd|GERMANY:7

query concat_with_null_trino
select 'a' || null, concat('a', null), concat(null, 'b', 'c')
---- trino: Trino's concat, like ||, is NULL when any argument is NULL (DuckDB's concat skips NULLs)
NULL|NULL|NULL

query concat_ws_skips_nulls
select concat_ws(',', 'a', 'b'), concat_ws(',', 'a', null, 'b'), concat_ws('-', 'x')
---- result
a,b|a,b|x

query trim_functions
select trim('  a b  '), ltrim('  a b  '), rtrim('  a b  '), trim(''), trim('   ')
---- result
a b|"a b  "|"  a b"|""|""

query trim_characters
select trim(both 'x' from 'xxaxbxx'), trim(leading 'x' from 'xxaxx'), trim(trailing 'x' from 'xxaxx')
---- duckdb
select trim('xxaxbxx', 'x'), ltrim('xxaxx', 'x'), rtrim('xxaxx', 'x')
---- result
axb|axx|xxa

query lpad_rpad
select lpad('ab', 5, 'x'), rpad('ab', 5, 'x'), lpad('ab', 6, 'xyz'), rpad('ab', 6, 'xyz'), lpad('hello', 3, 'x'), rpad('hello', 3, 'x'), lpad('ab', 0, 'x')
---- result
xxxab|abxxx|xyzxab|abxyzx|hel|hel|""

query lpad_non_ascii
select lpad('é', 3, 'ü'), rpad('日本', 4, '*'), length(lpad('😀', 3, 'x'))
---- result
üüé|日本**|3

query like_basic
select 'hello' like 'h%', 'hello' like 'h_llo', 'hello' like 'H%', 'hello' like '%l%', 'hello' like 'hello_', 'hello' not like '%z%'
---- result
true|true|false|true|false|true

query like_with_escape
select 'a_b' like 'a\_b' escape '\', 'axb' like 'a\_b' escape '\', '100%' like '100!%' escape '!', '100' like '100!%' escape '!',
       'a%b' like '%\%%' escape '\'
---- result
true|false|true|false|true

query like_special_chars_literal
select 'a.b' like 'a.b', 'axb' like 'a.b', 'a*b' like 'a*b', '(x)' like '(%)', 'a[b' like 'a[b'
---- result
true|false|true|true|true

query like_on_tpch_columns
select count(*) from part where p_type like '%BRASS' and p_name like 'forest%'
---- result
5

query like_phone_prefixes
select substr(c_phone, 1, 2) as cc, count(*) from customer where c_phone like '1_-%' group by substr(c_phone, 1, 2) order by cc
---- result
10|61
11|59
12|68
13|69
14|66
15|57
16|36
17|57
18|60
19|66

query like_non_ascii
select 'héllo' like 'h_llo', '日本語' like '日_語', 'a😀b' like 'a_b'
---- result
true|true|true

query position_strpos
select strpos('hello', 'l'), strpos('hello', 'z'), strpos('hello', 'lo'), position('lo' in 'hello'), strpos('héllo', 'l')
---- result
3|0|4|4|3

query replace_function
select replace('hello', 'l', 'L'), replace('aaa', 'a', 'bb'), replace('hello', 'xyz', 'q'), replace('hello', 'l', '')
---- result
heLLo|bbbbbb|hello|heo

query replace_two_arguments
select replace('hello', 'l')
---- duckdb
select replace('hello', 'l', '')
---- result
heo

query reverse_function
select reverse('abc'), reverse(''), reverse('héllo'), reverse('a😀b')
---- result
cba|""|olléh|b😀a

query split_part_function
select split_part('a,b,c', ',', 1), split_part('a,b,c', ',', 3), split_part('a,,c', ',', 2), split_part('a::b', '::', 2)
---- result
a|c|""|b

query split_part_out_of_range_trino
select split_part('a,b', ',', 5)
---- trino: Trino's split_part is NULL past the last field (DuckDB returns '')
NULL

query starts_with_function
select starts_with('hello', 'he'), starts_with('hello', 'lo'), starts_with('hello', '')
---- result
true|false|true

query chr_codepoint
select chr(65), chr(233), codepoint('A'), codepoint('é')
---- duckdb
select chr(65), chr(233), unicode('A'), unicode('é')
---- result
A|é|65|233

query string_comparisons
select 'a' < 'b', 'B' < 'a', 'abc' < 'abd', '' < 'a', 'a ' = 'a', 'abc' > 'ab', 'é' > 'z'
---- result
true|true|true|true|false|true|true

query string_order_by_binary
select s from (values ('b'), ('B'), ('a'), ('A'), ('é'), ('_'), ('1'), ('')) as t(s) order by s
---- result
""
1
A
B
_
a
b
é

query string_min_max
select min(n_name), max(n_name), min(c_name), max(c_name) from nation, customer where n_nationkey = c_nationkey
---- result
ALGERIA|VIETNAM|Customer#000000001|Customer#000001500

query string_group_by_expression
select upper(substr(p_mfgr, 1, 11)) as m, count(*) from part group by upper(substr(p_mfgr, 1, 11)) order by m
---- result
MANUFACTURE|2000

query quoted_string_literal
select 'it''s', length('it''s'), '''' || 'x'
---- result
it's|4|'x

query cast_to_varchar
select cast(123 as varchar), cast(-4.50 as varchar), cast(true as varchar), cast(date '2020-01-05' as varchar)
---- result
123|-4.50|true|2020-01-05

query cast_to_bounded_varchar_trino
select cast('abcdef' as varchar(3)), cast('ab' as varchar(3))
---- trino: Trino truncates to the bounded length on a cast to varchar(n) (DuckDB ignores the length)
abc|ab

query string_length_in_where
select count(*) from customer where length(c_address) > 30
---- result
476

query string_functions_on_columns
select n_name, lower(n_name), length(n_name), substr(n_name, 1, 3), lpad(cast(n_nationkey as varchar), 3, '0')
from nation where n_regionkey = 3 order by n_name
---- result
FRANCE|france|6|FRA|006
GERMANY|germany|7|GER|007
ROMANIA|romania|7|ROM|019
RUSSIA|russia|6|RUS|022
UNITED KINGDOM|united kingdom|14|UNI|023

query string_order_beyond_bmp
# code point (UTF-8 byte) order: U+FF5E sorts before U+1F600, though UTF-16 code units would say otherwise
select s, s < '😀' from (values ('😀'), ('～'), ('z')) as t(s) order by s
---- result
z|true
～|true
😀|false

query string_max_beyond_bmp
select max(s), min(s) from (values ('😀'), ('～'), ('z')) as t(s)
---- result
😀|z

query lower_final_sigma
# code point by code point, as Trino (and DuckDB) map case: no final-sigma rule
select lower('ΣΑΣ'), upper('ﬁx'), lower('İ')
---- trino: Trino maps case per code point (Character.toLowerCase/toUpperCase of each): σασ, ﬁX, i̇ is not produced
σασ|ﬁX|i

query strpos_beyond_bmp
select strpos('a😀b', 'b'), position('b' in '😀😀b'), strpos('😀x😀y', 'y')
---- result
3|3|4

query length_combining_characters
# e + U+0301 is two code points
select length('é'), length(reverse('é'))
---- result
1|1

query split_part_non_ascii
select split_part('日本|語|テキスト', '|', 2), split_part('a😀b😀c', '😀', 3)
---- result
語|c

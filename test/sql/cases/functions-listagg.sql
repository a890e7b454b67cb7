# listagg(x, separator) WITHIN GROUP (ORDER BY …): the non-NULL values of a group in order, joined by
# a literal separator. DuckDB writes it string_agg(x, separator ORDER BY …). An ordered aggregation
# is never split into partial and final steps: each group's rows meet in one task.

query listagg_global
select listagg(n_name, ', ') within group (order by n_nationkey) from nation where n_regionkey = 1
---- duckdb
select string_agg(n_name, ', ' order by n_nationkey) from nation where n_regionkey = 1
---- result
ARGENTINA, BRAZIL, CANADA, PERU, UNITED STATES

query listagg_grouped_descending
select n_regionkey, listagg(n_name, '|') within group (order by n_name desc) from nation group by n_regionkey order by 1
---- duckdb
select n_regionkey, string_agg(n_name, '|' order by n_name desc) from nation group by n_regionkey order by 1
---- result
0|"MOZAMBIQUE|MOROCCO|KENYA|ETHIOPIA|ALGERIA"
1|"UNITED STATES|PERU|CANADA|BRAZIL|ARGENTINA"
2|"VIETNAM|JAPAN|INDONESIA|INDIA|CHINA"
3|"UNITED KINGDOM|RUSSIA|ROMANIA|GERMANY|FRANCE"
4|"SAUDI ARABIA|JORDAN|IRAQ|IRAN|EGYPT"

query listagg_several_keys_and_distinct
select listagg(distinct c_mktsegment, ',') within group (order by c_mktsegment) from customer
---- duckdb
select string_agg(distinct c_mktsegment, ',' order by c_mktsegment) from customer
---- result
AUTOMOBILE,BUILDING,FURNITURE,HOUSEHOLD,MACHINERY

query listagg_many_groups
select o_custkey, listagg(cast(o_orderkey as varchar), ';') within group (order by o_orderdate, o_orderkey) from orders
where o_custkey < 40 group by o_custkey order by 1
---- duckdb
select o_custkey, string_agg(cast(o_orderkey as varchar), ';' order by o_orderdate, o_orderkey) from orders
where o_custkey < 40 group by o_custkey order by 1
---- result
1|31653;43879;52263;53283;24322;36422;9154;14656;34019
2|6980;29408;10563;29956;44962;20257;38276;40070;28167;16129
4|22466;10688;26407;44486;54722;20386;26852;38117;36386;56196;25280;14947;59079;46951;13728;6532;15395;26722;29574;24416;10788;34755;58146;41600;59140;25893;320;28417;54404;739;54018
5|52673;54886;18725;8260;11682;7141;14308;44129;11746
7|57767;33443;37634;54855;13031;44934;23011;38497;19841;24609;33701;35844;42725;52288;18435;52903;38759;14404;50592;44868;14145;48739;53957;10402
8|17862;8294;54630;13601;164;53153;22625;28288;35429;59328;102;50369;30242;44803
10|16548;20964;55749;11431;50086;21729;18307;1602;13124;35972;33095;34311;56775;17668;28898;30306;27200;55492;26785;30882;49506;58979;54400;9862;40387;43078;20195
11|12800;31492;15878;36704;58533;58080;46051
13|57157;16257;42054;46112;1603;54851;35493;994;20963;55207;6022;40865;9927;36708;26241;56519;4704;17477;39747;51079;6306
14|15616;11011;45127;55874;38756;7842;41892;33223;57635;29635;20610
16|40608;15174;39397;40800;58628;48357;8551;44836;39937;26243;6054;41413;27207;18755;27395;28226
17|34022;30625;896;38727;44614;52134;32226;7621;24678;16228;5507;25122
19|16064;5893;1504;57927;33990;353;54723;9954;58246;38561;54533;47206;48705;25665;57702;55043;1669;39174;8193;14885;56964;55975;53701;59011;17056
20|56358;15367;44708;18151;16001;16067;20357;43041;53959
22|36644;51747;8002;21345;45957;4928;55142;22758;42949;17057;36133;4100;19776;23142;27748;17767;49857;39392;57254;31974
23|9473;358;49732;18790;42338;32708;40864;14881;23591;6307;49254
25|56453;14210;11745;24451;25542;53124;31842;6880;224;10305;37319;52160;15427;56289;38023;20902;46950;14659;4263;42914
26|865;10149;4451
28|45415;29505;26182;24069;11780;57475;15078;52551;33698;9825;42273;20230;4355;32258;44963;51527;3427;12549;47590;48070;46273;40737;45607;49795;28484
29|19044;42212;24608;51045;27810;56194;38208;3623;32771;22213;4165;55620;58465
31|49345;15712;6661;13568;28097;46240;38599;24964;47488;16674;50533;8577;40705;25728;7170;33697
32|37123;50310;59686;39332;32897;40035
34|36582;6501;25216;56931;56359;4193;48836;57283;39207;16610;38400;40034;3329;34663;56420;54368;32803;13890;10759;387;32097;54695;59430;71
35|56165;36390;24064;23168;31301;53061;59493;27815;34951;25219;1024;1696
37|8224;16452;9509;38850;39970;1031;13920;3266;51906;27684;22531;29731;59719;53760;44545
38|12064;33732;26566;47747;20737;17734;2980;43139;1635;31814;45508;33957

query listagg_default_separator_and_nulls
select listagg(x) within group (order by k) from (values ('a', 2), (null, 1), ('b', 3), ('c', null)) t(x, k)
---- duckdb
select string_agg(x, '' order by k) from (values ('a', 2), (null, 1), ('b', 3), ('c', null)) t(x, k)
---- result
abc

query listagg_filter
select listagg(n_name, ',') within group (order by n_nationkey) filter (where n_nationkey > 20) from nation
---- duckdb
select string_agg(n_name, ',' order by n_nationkey) filter (where n_nationkey > 20) from nation
---- result
VIETNAM,RUSSIA,UNITED KINGDOM,UNITED STATES

query listagg_no_rows
select listagg(n_name, ',') within group (order by n_name) from nation where n_nationkey < 0
---- duckdb
select string_agg(n_name, ',' order by n_name) from nation where n_nationkey < 0
---- result
NULL

query listagg_needs_within_group
select listagg(n_name, ',') from nation
---- error SYNTAX_ERROR at 1:8: WITHIN GROUP

query listagg_separator_literal
select listagg(n_name, n_comment) within group (order by n_name) from nation
---- error SYNTAX_ERROR at 1:24: string literal

query listagg_on_overflow_truncate_refused
select listagg(n_name, ',' on overflow truncate) within group (order by n_name) from nation
---- error NOT_SUPPORTED at 1:28: ON OVERFLOW TRUNCATE

query listagg_of_integers_refused
select listagg(n_nationkey, ',') within group (order by n_name) from nation
---- error FUNCTION_NOT_FOUND at 1:8: listagg

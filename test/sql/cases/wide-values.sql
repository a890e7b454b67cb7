# Values past 2^53 and the engine's block layouts: decimals and bigints whose unscaled values need
# bigints ("wide" blocks) next to the same values in double-backed blocks, through grouping, joins,
# DISTINCT, sorting, min/max and sums; very long strings, long IN lists and deep expressions.

query group_by_same_decimal_in_two_layouts
select k, count(*) from (
  select cast(1 as decimal(38,0)) as k
  union all select x / 100000000000000000000 from (values (cast('100000000000000000000' as decimal(38,0)))) as t(x)
  union all select cast(1 as decimal(38,0))) u
group by k
---- result
1|3

query distinct_wide_and_narrow_decimals
select distinct x from (values (cast('12345678901234567890.5' as decimal(38,1))), (cast(1.5 as decimal(38,1))), (cast('12345678901234567890.5' as decimal(38,1))), (cast(1.5 as decimal(38,1)))) as t(x)
---- result
1.5
12345678901234567890.5

query join_on_wide_decimal_keys
select a.v, b.w from (values (cast('98765432109876543210' as decimal(38,0)), 'a'), (cast(7 as decimal(38,0)), 'b')) as a(k, v)
join (values (cast('98765432109876543210' as decimal(38,0)), 'x'), (cast(7 as decimal(38,0)), 'y')) as b(k, w) on a.k = b.k
---- result
a|x
b|y

query order_by_wide_and_narrow_decimals
select x from (values (cast('-99999999999999999999.99' as decimal(38,2))), (cast(0.01 as decimal(38,2))), (cast('99999999999999999999.99' as decimal(38,2))),
  (cast(-0.01 as decimal(38,2))), (cast('9007199254740993.00' as decimal(38,2)))) as t(x) order by x
---- result
-99999999999999999999.99
-0.01
0.01
9007199254740993.00
99999999999999999999.99

query min_max_wide_decimals
select min(l_extendedprice * 100000000000), max(l_extendedprice * 100000000000), min(-l_extendedprice * 100000000000) from lineitem
---- result
90400000000000.00|9494950000000000.00|-9494950000000000.00

query compare_wide_decimals_in_filter
select count(*) from lineitem where l_extendedprice * 1000000000000 > cast('50000000000000000' as decimal(38,0))
---- result
16108

query group_by_wide_decimal_expression
select l_extendedprice * 100000000000000 as k, count(*) from lineitem where l_orderkey < 20 group by l_extendedprice * 100000000000000
---- result
1219005000000000000.00|1
1230104000000000000.00|1
1480620000000000000.00|1
2067384000000000000.00|1
238858000000000000.00|1
2471035000000000000.00|1
2581656000000000000.00|1
2738976000000000000.00|1
2967224000000000000.00|1
3202956000000000000.00|1
3382880000000000000.00|1
3659628000000000000.00|1
3958812000000000000.00|1
4243680000000000000.00|1
4291364000000000000.00|1
4804043000000000000.00|1
4851924000000000000.00|1
5345640000000000000.00|1
5346831000000000000.00|1
5397938000000000000.00|1
5668812000000000000.00|1
5928265000000000000.00|1
6381850000000000000.00|1
737285000000000000.00|1
8505124000000000000.00|1

query count_distinct_wide_decimals
select count(distinct l_extendedprice * 100000000000000), count(distinct l_extendedprice) from lineitem
---- result
35921|35921

query sum_wide_decimals_by_group
select l_linestatus, sum(l_extendedprice * 100000000000000), count(*) from lineitem group by l_linestatus
---- result
F|107932745837000000000000.00|30126
O|107286230210000000000000.00|30049

query avg_wide_decimals_by_group
select l_linestatus, avg(l_extendedprice * 100000000000000) from lineitem group by l_linestatus
---- trino: the exact decimal average (sum / count, half up; checked by hand), which DuckDB's double cannot give at this size
F|3582710809168160393.02
O|3570376059436254118.27

query window_sum_wide_decimals
select l_orderkey, l_linenumber, sum(l_extendedprice * 100000000000000) over (partition by l_orderkey order by l_linenumber) from lineitem where l_orderkey < 6
---- result
1|1|2471035000000000000.00
1|2|8139847000000000000.00
1|3|9369951000000000000.00
1|4|11951607000000000000.00
1|5|14690583000000000000.00
1|6|18073463000000000000.00
2|1|3659628000000000000.00
3|1|4243680000000000000.00
3|2|9590511000000000000.00
3|3|12793467000000000000.00
3|4|13032325000000000000.00
3|5|17884249000000000000.00
3|6|21843061000000000000.00
4|1|5345640000000000000.00
5|1|1480620000000000000.00
5|2|4447844000000000000.00
5|3|10829694000000000000.00

query bigint_beyond_2_53_group_and_join
select a.k, count(*) from (values (cast(9007199254740993 as bigint)), (cast(9007199254740992 as bigint)), (cast(9007199254740993 as bigint))) as a(k)
join (values (cast(9007199254740993 as bigint)), (cast(9007199254740992 as bigint))) as b(k) on a.k = b.k group by a.k
---- result
9007199254740992|1
9007199254740993|2

query bigint_beyond_2_53_sort
select x from (values (cast(9007199254740993 as bigint)), (cast(9007199254740992 as bigint)), (cast(9007199254740995 as bigint)), (cast(-9007199254740993 as bigint))) as t(x) order by x desc
---- result
9007199254740995
9007199254740993
9007199254740992
-9007199254740993

query sum_bigint_overflow_distributed
select sum(l_orderkey * 10000000000000) from lineitem
---- error NUMERIC_VALUE_OUT_OF_RANGE

query sum_bigint_large_exact_distributed
select sum(l_orderkey * 100000000) from lineitem
---- result
180275957300000000

query avg_bigint_large_distributed
select avg(l_orderkey * 100000000000) from lineitem
---- result
2995861359368508.5

query long_string
select length(lpad('x', 100000, 'ab')), substr(rpad('a', 50000, 'xyz'), 49998), length(concat(lpad('', 30000, 'é'), 'z'))
---- result
100000|yzx|30001

query long_in_list
select count(*) from lineitem where l_partkey in (7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 105, 112, 119, 126, 133, 140, 147, 154, 161, 168, 175, 182, 189, 196, 203, 210, 217, 224, 231, 238, 245, 252, 259, 266, 273, 280, 287, 294, 301, 308, 315, 322, 329, 336, 343, 350, 357, 364, 371, 378, 385, 392, 399, 406, 413, 420, 427, 434, 441, 448, 455, 462, 469, 476, 483, 490, 497, 504, 511, 518, 525, 532, 539, 546, 553, 560, 567, 574, 581, 588, 595, 602, 609, 616, 623, 630, 637, 644, 651, 658, 665, 672, 679, 686, 693, 700, 707, 714, 721, 728, 735, 742, 749, 756, 763, 770, 777, 784, 791, 798, 805, 812, 819, 826, 833, 840, 847, 854, 861, 868, 875, 882, 889, 896, 903, 910, 917, 924, 931, 938, 945, 952, 959, 966, 973, 980, 987, 994, 1001, 1008, 1015, 1022, 1029, 1036, 1043, 1050, 1057, 1064, 1071, 1078, 1085, 1092, 1099, 1106, 1113, 1120, 1127, 1134, 1141, 1148, 1155, 1162, 1169, 1176, 1183, 1190, 1197, 1204, 1211, 1218, 1225, 1232, 1239, 1246, 1253, 1260, 1267, 1274, 1281, 1288, 1295, 1302, 1309, 1316, 1323, 1330, 1337, 1344, 1351, 1358, 1365, 1372, 1379, 1386, 1393, 1400, 1407, 1414, 1421, 1428, 1435, 1442, 1449, 1456, 1463, 1470, 1477, 1484, 1491, 1498, 1505, 1512, 1519, 1526, 1533, 1540, 1547, 1554, 1561, 1568, 1575, 1582, 1589, 1596, 1603, 1610, 1617, 1624, 1631, 1638, 1645, 1652, 1659, 1666, 1673, 1680, 1687, 1694, 1701, 1708, 1715, 1722, 1729, 1736, 1743, 1750, 1757, 1764, 1771, 1778, 1785, 1792, 1799, 1806, 1813, 1820, 1827, 1834, 1841, 1848, 1855, 1862, 1869, 1876, 1883, 1890, 1897, 1904, 1911, 1918, 1925, 1932, 1939, 1946, 1953, 1960, 1967, 1974, 1981, 1988, 1995, 2002, 2009, 2016, 2023, 2030, 2037, 2044, 2051, 2058, 2065, 2072, 2079, 2086, 2093, 2100, 2107, 2114, 2121, 2128, 2135, 2142, 2149, 2156, 2163, 2170, 2177, 2184, 2191, 2198, 2205, 2212, 2219, 2226, 2233, 2240, 2247, 2254, 2261, 2268, 2275, 2282, 2289, 2296, 2303, 2310, 2317, 2324, 2331, 2338, 2345, 2352, 2359, 2366, 2373, 2380, 2387, 2394, 2401, 2408, 2415, 2422, 2429, 2436, 2443, 2450, 2457, 2464, 2471, 2478, 2485, 2492, 2499, 2506, 2513, 2520, 2527, 2534, 2541, 2548, 2555, 2562, 2569, 2576, 2583, 2590, 2597, 2604, 2611, 2618, 2625, 2632, 2639, 2646, 2653, 2660, 2667, 2674, 2681, 2688, 2695, 2702, 2709, 2716, 2723, 2730, 2737, 2744, 2751, 2758, 2765, 2772, 2779, 2786, 2793, 2800, 2807, 2814, 2821, 2828, 2835, 2842, 2849, 2856, 2863, 2870, 2877, 2884, 2891, 2898, 2905, 2912, 2919, 2926, 2933, 2940, 2947, 2954, 2961, 2968, 2975, 2982, 2989, 2996, 3003, 3010, 3017, 3024, 3031, 3038, 3045, 3052, 3059, 3066, 3073, 3080, 3087, 3094, 3101, 3108, 3115, 3122, 3129, 3136, 3143, 3150, 3157, 3164, 3171, 3178, 3185, 3192, 3199, 3206, 3213, 3220, 3227, 3234, 3241, 3248, 3255, 3262, 3269, 3276, 3283, 3290, 3297, 3304, 3311, 3318, 3325, 3332, 3339, 3346, 3353, 3360, 3367, 3374, 3381, 3388, 3395, 3402, 3409, 3416, 3423, 3430, 3437, 3444, 3451, 3458, 3465, 3472, 3479, 3486, 3493, 3500, 3507, 3514, 3521, 3528, 3535, 3542, 3549, 3556, 3563, 3570, 3577, 3584, 3591, 3598, 3605, 3612, 3619, 3626, 3633, 3640, 3647, 3654, 3661, 3668, 3675, 3682, 3689, 3696, 3703, 3710, 3717, 3724, 3731, 3738, 3745, 3752, 3759, 3766, 3773, 3780, 3787, 3794, 3801, 3808, 3815, 3822, 3829, 3836, 3843, 3850, 3857, 3864, 3871, 3878, 3885, 3892, 3899, 3906, 3913, 3920, 3927, 3934, 3941, 3948, 3955, 3962, 3969, 3976, 3983, 3990, 3997, 4004, 4011, 4018, 4025, 4032, 4039, 4046, 4053, 4060, 4067, 4074, 4081, 4088, 4095, 4102, 4109, 4116, 4123, 4130, 4137, 4144, 4151, 4158, 4165, 4172, 4179, 4186, 4193, 4200, 4207, 4214, 4221, 4228, 4235, 4242, 4249, 4256, 4263, 4270, 4277, 4284, 4291, 4298, 4305, 4312, 4319, 4326, 4333, 4340, 4347, 4354, 4361, 4368, 4375, 4382, 4389, 4396, 4403, 4410, 4417, 4424, 4431, 4438, 4445, 4452, 4459, 4466, 4473, 4480, 4487, 4494, 4501, 4508, 4515, 4522, 4529, 4536, 4543, 4550, 4557, 4564, 4571, 4578, 4585, 4592, 4599, 4606, 4613, 4620, 4627, 4634, 4641, 4648, 4655, 4662, 4669, 4676, 4683, 4690, 4697, 4704, 4711, 4718, 4725, 4732, 4739, 4746, 4753, 4760, 4767, 4774, 4781, 4788, 4795, 4802, 4809, 4816, 4823, 4830, 4837, 4844, 4851, 4858, 4865, 4872, 4879, 4886, 4893, 4900, 4907, 4914, 4921, 4928, 4935, 4942, 4949, 4956, 4963, 4970, 4977, 4984, 4991, 4998, 5005, 5012, 5019, 5026, 5033, 5040, 5047, 5054, 5061, 5068, 5075, 5082, 5089, 5096, 5103, 5110, 5117, 5124, 5131, 5138, 5145, 5152, 5159, 5166, 5173, 5180, 5187, 5194, 5201, 5208, 5215, 5222, 5229, 5236, 5243, 5250, 5257, 5264, 5271, 5278, 5285, 5292, 5299, 5306, 5313, 5320, 5327, 5334, 5341, 5348, 5355, 5362, 5369, 5376, 5383, 5390, 5397, 5404, 5411, 5418, 5425, 5432, 5439, 5446, 5453, 5460, 5467, 5474, 5481, 5488, 5495, 5502, 5509, 5516, 5523, 5530, 5537, 5544, 5551, 5558, 5565, 5572, 5579, 5586, 5593, 5600, 5607, 5614, 5621, 5628, 5635, 5642, 5649, 5656, 5663, 5670, 5677, 5684, 5691, 5698, 5705, 5712, 5719, 5726, 5733, 5740, 5747, 5754, 5761, 5768, 5775, 5782, 5789, 5796, 5803, 5810, 5817, 5824, 5831, 5838, 5845, 5852, 5859, 5866, 5873, 5880, 5887, 5894, 5901, 5908, 5915, 5922, 5929, 5936, 5943, 5950, 5957, 5964, 5971, 5978, 5985, 5992, 5999, 6006, 6013, 6020, 6027, 6034, 6041, 6048, 6055, 6062, 6069, 6076, 6083, 6090, 6097, 6104, 6111, 6118, 6125, 6132, 6139, 6146, 6153, 6160, 6167, 6174, 6181, 6188, 6195, 6202, 6209, 6216, 6223, 6230, 6237, 6244, 6251, 6258, 6265, 6272, 6279, 6286, 6293, 6300, 6307, 6314, 6321, 6328, 6335, 6342, 6349, 6356, 6363, 6370, 6377, 6384, 6391, 6398, 6405, 6412, 6419, 6426, 6433, 6440, 6447, 6454, 6461, 6468, 6475, 6482, 6489, 6496, 6503, 6510, 6517, 6524, 6531, 6538, 6545, 6552, 6559, 6566, 6573, 6580, 6587, 6594, 6601, 6608, 6615, 6622, 6629, 6636, 6643, 6650, 6657, 6664, 6671, 6678, 6685, 6692, 6699, 6706, 6713, 6720, 6727, 6734, 6741, 6748, 6755, 6762, 6769, 6776, 6783, 6790, 6797, 6804, 6811, 6818, 6825, 6832, 6839, 6846, 6853, 6860, 6867, 6874, 6881, 6888, 6895, 6902, 6909, 6916, 6923, 6930, 6937, 6944, 6951, 6958, 6965, 6972, 6979, 6986, 6993, 7000)
---- result
8518

query deep_expression
select n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey + n_nationkey from nation where n_nationkey < 3
---- result
0
150
300

query many_columns
select n_nationkey + 0, n_nationkey + 1, n_nationkey + 2, n_nationkey + 3, n_nationkey + 4, n_nationkey + 5, n_nationkey + 6, n_nationkey + 7, n_nationkey + 8, n_nationkey + 9, n_nationkey + 10, n_nationkey + 11, n_nationkey + 12, n_nationkey + 13, n_nationkey + 14, n_nationkey + 15, n_nationkey + 16, n_nationkey + 17, n_nationkey + 18, n_nationkey + 19, n_nationkey + 20, n_nationkey + 21, n_nationkey + 22, n_nationkey + 23, n_nationkey + 24, n_nationkey + 25, n_nationkey + 26, n_nationkey + 27, n_nationkey + 28, n_nationkey + 29, n_nationkey + 30, n_nationkey + 31, n_nationkey + 32, n_nationkey + 33, n_nationkey + 34, n_nationkey + 35, n_nationkey + 36, n_nationkey + 37, n_nationkey + 38, n_nationkey + 39, n_nationkey + 40, n_nationkey + 41, n_nationkey + 42, n_nationkey + 43, n_nationkey + 44, n_nationkey + 45, n_nationkey + 46, n_nationkey + 47, n_nationkey + 48, n_nationkey + 49, n_nationkey + 50, n_nationkey + 51, n_nationkey + 52, n_nationkey + 53, n_nationkey + 54, n_nationkey + 55, n_nationkey + 56, n_nationkey + 57, n_nationkey + 58, n_nationkey + 59, n_nationkey + 60, n_nationkey + 61, n_nationkey + 62, n_nationkey + 63, n_nationkey + 64, n_nationkey + 65, n_nationkey + 66, n_nationkey + 67, n_nationkey + 68, n_nationkey + 69, n_nationkey + 70, n_nationkey + 71, n_nationkey + 72, n_nationkey + 73, n_nationkey + 74, n_nationkey + 75, n_nationkey + 76, n_nationkey + 77, n_nationkey + 78, n_nationkey + 79, n_nationkey + 80, n_nationkey + 81, n_nationkey + 82, n_nationkey + 83, n_nationkey + 84, n_nationkey + 85, n_nationkey + 86, n_nationkey + 87, n_nationkey + 88, n_nationkey + 89, n_nationkey + 90, n_nationkey + 91, n_nationkey + 92, n_nationkey + 93, n_nationkey + 94, n_nationkey + 95, n_nationkey + 96, n_nationkey + 97, n_nationkey + 98, n_nationkey + 99, n_nationkey + 100, n_nationkey + 101, n_nationkey + 102, n_nationkey + 103, n_nationkey + 104, n_nationkey + 105, n_nationkey + 106, n_nationkey + 107, n_nationkey + 108, n_nationkey + 109, n_nationkey + 110, n_nationkey + 111, n_nationkey + 112, n_nationkey + 113, n_nationkey + 114, n_nationkey + 115, n_nationkey + 116, n_nationkey + 117, n_nationkey + 118, n_nationkey + 119 from nation where n_nationkey = 4
---- result
4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|23|24|25|26|27|28|29|30|31|32|33|34|35|36|37|38|39|40|41|42|43|44|45|46|47|48|49|50|51|52|53|54|55|56|57|58|59|60|61|62|63|64|65|66|67|68|69|70|71|72|73|74|75|76|77|78|79|80|81|82|83|84|85|86|87|88|89|90|91|92|93|94|95|96|97|98|99|100|101|102|103|104|105|106|107|108|109|110|111|112|113|114|115|116|117|118|119|120|121|122|123

query deeply_nested_case
select case when n_nationkey = 39 then '39' else case when n_nationkey = 38 then '38' else case when n_nationkey = 37 then '37' else case when n_nationkey = 36 then '36' else case when n_nationkey = 35 then '35' else case when n_nationkey = 34 then '34' else case when n_nationkey = 33 then '33' else case when n_nationkey = 32 then '32' else case when n_nationkey = 31 then '31' else case when n_nationkey = 30 then '30' else case when n_nationkey = 29 then '29' else case when n_nationkey = 28 then '28' else case when n_nationkey = 27 then '27' else case when n_nationkey = 26 then '26' else case when n_nationkey = 25 then '25' else case when n_nationkey = 24 then '24' else case when n_nationkey = 23 then '23' else case when n_nationkey = 22 then '22' else case when n_nationkey = 21 then '21' else case when n_nationkey = 20 then '20' else case when n_nationkey = 19 then '19' else case when n_nationkey = 18 then '18' else case when n_nationkey = 17 then '17' else case when n_nationkey = 16 then '16' else case when n_nationkey = 15 then '15' else case when n_nationkey = 14 then '14' else case when n_nationkey = 13 then '13' else case when n_nationkey = 12 then '12' else case when n_nationkey = 11 then '11' else case when n_nationkey = 10 then '10' else case when n_nationkey = 9 then '9' else case when n_nationkey = 8 then '8' else case when n_nationkey = 7 then '7' else case when n_nationkey = 6 then '6' else case when n_nationkey = 5 then '5' else case when n_nationkey = 4 then '4' else case when n_nationkey = 3 then '3' else case when n_nationkey = 2 then '2' else case when n_nationkey = 1 then '1' else case when n_nationkey = 0 then '0' else n_name end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end from nation
---- result
0
1
10
11
12
13
14
15
16
17
18
19
2
20
21
22
23
24
3
4
5
6
7
8
9

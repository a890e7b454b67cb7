# Joins of many relations: join ordering keeps sets of relations in bitsets of any width (a join of
# more than 32 tables once failed), dynamic programming up to 10 relations and a greedy order beyond.

query self_join_32_tables
select count(*), min(r31.r_name) from region r0, region r1, region r2, region r3, region r4, region r5, region r6, region r7, region r8, region r9, region r10, region r11, region r12, region r13, region r14, region r15, region r16, region r17, region r18, region r19, region r20, region r21, region r22, region r23, region r24, region r25, region r26, region r27, region r28, region r29, region r30, region r31
where r0.r_regionkey = r1.r_regionkey and r1.r_regionkey = r2.r_regionkey and r2.r_regionkey = r3.r_regionkey and r3.r_regionkey = r4.r_regionkey and r4.r_regionkey = r5.r_regionkey and r5.r_regionkey = r6.r_regionkey and r6.r_regionkey = r7.r_regionkey and r7.r_regionkey = r8.r_regionkey and r8.r_regionkey = r9.r_regionkey and r9.r_regionkey = r10.r_regionkey and r10.r_regionkey = r11.r_regionkey and r11.r_regionkey = r12.r_regionkey and r12.r_regionkey = r13.r_regionkey and r13.r_regionkey = r14.r_regionkey and r14.r_regionkey = r15.r_regionkey and r15.r_regionkey = r16.r_regionkey and r16.r_regionkey = r17.r_regionkey and r17.r_regionkey = r18.r_regionkey and r18.r_regionkey = r19.r_regionkey and r19.r_regionkey = r20.r_regionkey and r20.r_regionkey = r21.r_regionkey and r21.r_regionkey = r22.r_regionkey and r22.r_regionkey = r23.r_regionkey and r23.r_regionkey = r24.r_regionkey and r24.r_regionkey = r25.r_regionkey and r25.r_regionkey = r26.r_regionkey and r26.r_regionkey = r27.r_regionkey and r27.r_regionkey = r28.r_regionkey and r28.r_regionkey = r29.r_regionkey and r29.r_regionkey = r30.r_regionkey and r30.r_regionkey = r31.r_regionkey
---- result
5|AFRICA

query self_join_33_tables
select count(*), min(r32.r_name) from region r0, region r1, region r2, region r3, region r4, region r5, region r6, region r7, region r8, region r9, region r10, region r11, region r12, region r13, region r14, region r15, region r16, region r17, region r18, region r19, region r20, region r21, region r22, region r23, region r24, region r25, region r26, region r27, region r28, region r29, region r30, region r31, region r32
where r0.r_regionkey = r1.r_regionkey and r1.r_regionkey = r2.r_regionkey and r2.r_regionkey = r3.r_regionkey and r3.r_regionkey = r4.r_regionkey and r4.r_regionkey = r5.r_regionkey and r5.r_regionkey = r6.r_regionkey and r6.r_regionkey = r7.r_regionkey and r7.r_regionkey = r8.r_regionkey and r8.r_regionkey = r9.r_regionkey and r9.r_regionkey = r10.r_regionkey and r10.r_regionkey = r11.r_regionkey and r11.r_regionkey = r12.r_regionkey and r12.r_regionkey = r13.r_regionkey and r13.r_regionkey = r14.r_regionkey and r14.r_regionkey = r15.r_regionkey and r15.r_regionkey = r16.r_regionkey and r16.r_regionkey = r17.r_regionkey and r17.r_regionkey = r18.r_regionkey and r18.r_regionkey = r19.r_regionkey and r19.r_regionkey = r20.r_regionkey and r20.r_regionkey = r21.r_regionkey and r21.r_regionkey = r22.r_regionkey and r22.r_regionkey = r23.r_regionkey and r23.r_regionkey = r24.r_regionkey and r24.r_regionkey = r25.r_regionkey and r25.r_regionkey = r26.r_regionkey and r26.r_regionkey = r27.r_regionkey and r27.r_regionkey = r28.r_regionkey and r28.r_regionkey = r29.r_regionkey and r29.r_regionkey = r30.r_regionkey and r30.r_regionkey = r31.r_regionkey and r31.r_regionkey = r32.r_regionkey
---- result
5|AFRICA

query self_join_60_tables_join_on
select count(*), max(r0.r_name), min(r59.r_name) from region r0
join region r1 on r1.r_regionkey = r0.r_regionkey
join region r2 on r2.r_regionkey = r0.r_regionkey
join region r3 on r3.r_regionkey = r0.r_regionkey
join region r4 on r4.r_regionkey = r0.r_regionkey
join region r5 on r5.r_regionkey = r0.r_regionkey
join region r6 on r6.r_regionkey = r0.r_regionkey
join region r7 on r7.r_regionkey = r0.r_regionkey
join region r8 on r8.r_regionkey = r0.r_regionkey
join region r9 on r9.r_regionkey = r0.r_regionkey
join region r10 on r10.r_regionkey = r0.r_regionkey
join region r11 on r11.r_regionkey = r0.r_regionkey
join region r12 on r12.r_regionkey = r0.r_regionkey
join region r13 on r13.r_regionkey = r0.r_regionkey
join region r14 on r14.r_regionkey = r0.r_regionkey
join region r15 on r15.r_regionkey = r0.r_regionkey
join region r16 on r16.r_regionkey = r0.r_regionkey
join region r17 on r17.r_regionkey = r0.r_regionkey
join region r18 on r18.r_regionkey = r0.r_regionkey
join region r19 on r19.r_regionkey = r0.r_regionkey
join region r20 on r20.r_regionkey = r0.r_regionkey
join region r21 on r21.r_regionkey = r0.r_regionkey
join region r22 on r22.r_regionkey = r0.r_regionkey
join region r23 on r23.r_regionkey = r0.r_regionkey
join region r24 on r24.r_regionkey = r0.r_regionkey
join region r25 on r25.r_regionkey = r0.r_regionkey
join region r26 on r26.r_regionkey = r0.r_regionkey
join region r27 on r27.r_regionkey = r0.r_regionkey
join region r28 on r28.r_regionkey = r0.r_regionkey
join region r29 on r29.r_regionkey = r0.r_regionkey
join region r30 on r30.r_regionkey = r0.r_regionkey
join region r31 on r31.r_regionkey = r0.r_regionkey
join region r32 on r32.r_regionkey = r0.r_regionkey
join region r33 on r33.r_regionkey = r0.r_regionkey
join region r34 on r34.r_regionkey = r0.r_regionkey
join region r35 on r35.r_regionkey = r0.r_regionkey
join region r36 on r36.r_regionkey = r0.r_regionkey
join region r37 on r37.r_regionkey = r0.r_regionkey
join region r38 on r38.r_regionkey = r0.r_regionkey
join region r39 on r39.r_regionkey = r0.r_regionkey
join region r40 on r40.r_regionkey = r0.r_regionkey
join region r41 on r41.r_regionkey = r0.r_regionkey
join region r42 on r42.r_regionkey = r0.r_regionkey
join region r43 on r43.r_regionkey = r0.r_regionkey
join region r44 on r44.r_regionkey = r0.r_regionkey
join region r45 on r45.r_regionkey = r0.r_regionkey
join region r46 on r46.r_regionkey = r0.r_regionkey
join region r47 on r47.r_regionkey = r0.r_regionkey
join region r48 on r48.r_regionkey = r0.r_regionkey
join region r49 on r49.r_regionkey = r0.r_regionkey
join region r50 on r50.r_regionkey = r0.r_regionkey
join region r51 on r51.r_regionkey = r0.r_regionkey
join region r52 on r52.r_regionkey = r0.r_regionkey
join region r53 on r53.r_regionkey = r0.r_regionkey
join region r54 on r54.r_regionkey = r0.r_regionkey
join region r55 on r55.r_regionkey = r0.r_regionkey
join region r56 on r56.r_regionkey = r0.r_regionkey
join region r57 on r57.r_regionkey = r0.r_regionkey
join region r58 on r58.r_regionkey = r0.r_regionkey
join region r59 on r59.r_regionkey = r0.r_regionkey
---- result
5|MIDDLE EAST|AFRICA

query join_40_tables_grouped
select n0.n_regionkey, count(*) from nation n0, nation n1, nation n2, nation n3, nation n4, nation n5, nation n6, nation n7, nation n8, nation n9, nation n10, nation n11, nation n12, nation n13, nation n14, nation n15, nation n16, nation n17, nation n18, nation n19, nation n20, nation n21, nation n22, nation n23, nation n24, nation n25, nation n26, nation n27, nation n28, nation n29, nation n30, nation n31, nation n32, nation n33, nation n34, nation n35, nation n36, nation n37, nation n38, nation n39, region
where n0.n_nationkey = n1.n_nationkey and n1.n_nationkey = n2.n_nationkey and n2.n_nationkey = n3.n_nationkey and n3.n_nationkey = n4.n_nationkey and n4.n_nationkey = n5.n_nationkey and n5.n_nationkey = n6.n_nationkey and n6.n_nationkey = n7.n_nationkey and n7.n_nationkey = n8.n_nationkey and n8.n_nationkey = n9.n_nationkey and n9.n_nationkey = n10.n_nationkey and n10.n_nationkey = n11.n_nationkey and n11.n_nationkey = n12.n_nationkey and n12.n_nationkey = n13.n_nationkey and n13.n_nationkey = n14.n_nationkey and n14.n_nationkey = n15.n_nationkey and n15.n_nationkey = n16.n_nationkey and n16.n_nationkey = n17.n_nationkey and n17.n_nationkey = n18.n_nationkey and n18.n_nationkey = n19.n_nationkey and n19.n_nationkey = n20.n_nationkey and n20.n_nationkey = n21.n_nationkey and n21.n_nationkey = n22.n_nationkey and n22.n_nationkey = n23.n_nationkey and n23.n_nationkey = n24.n_nationkey and n24.n_nationkey = n25.n_nationkey and n25.n_nationkey = n26.n_nationkey and n26.n_nationkey = n27.n_nationkey and n27.n_nationkey = n28.n_nationkey and n28.n_nationkey = n29.n_nationkey and n29.n_nationkey = n30.n_nationkey and n30.n_nationkey = n31.n_nationkey and n31.n_nationkey = n32.n_nationkey and n32.n_nationkey = n33.n_nationkey and n33.n_nationkey = n34.n_nationkey and n34.n_nationkey = n35.n_nationkey and n35.n_nationkey = n36.n_nationkey and n36.n_nationkey = n37.n_nationkey and n37.n_nationkey = n38.n_nationkey and n38.n_nationkey = n39.n_nationkey and n39.n_regionkey = r_regionkey and r_name <> 'ASIA'
group by n0.n_regionkey order by 1
---- result
0|5
1|5
3|5
4|5

query join_35_tables_with_cross_product
select count(*) from region r0, region r1, region r2, region r3, region r4, region r5, region r6, region r7, region r8, region r9, region r10, region r11, region r12, region r13, region r14, region r15, region r16, region r17, region r18, region r19, region r20, region r21, region r22, region r23, region r24, region r25, region r26, region r27, region r28, region r29, region r30, region r31, region r32, region r33, nation
where r0.r_regionkey = r1.r_regionkey and r1.r_regionkey = r2.r_regionkey and r2.r_regionkey = r3.r_regionkey and r3.r_regionkey = r4.r_regionkey and r4.r_regionkey = r5.r_regionkey and r5.r_regionkey = r6.r_regionkey and r6.r_regionkey = r7.r_regionkey and r7.r_regionkey = r8.r_regionkey and r8.r_regionkey = r9.r_regionkey and r9.r_regionkey = r10.r_regionkey and r10.r_regionkey = r11.r_regionkey and r11.r_regionkey = r12.r_regionkey and r12.r_regionkey = r13.r_regionkey and r13.r_regionkey = r14.r_regionkey and r14.r_regionkey = r15.r_regionkey and r15.r_regionkey = r16.r_regionkey and r16.r_regionkey = r17.r_regionkey and r17.r_regionkey = r18.r_regionkey and r18.r_regionkey = r19.r_regionkey and r19.r_regionkey = r20.r_regionkey and r20.r_regionkey = r21.r_regionkey and r21.r_regionkey = r22.r_regionkey and r22.r_regionkey = r23.r_regionkey and r23.r_regionkey = r24.r_regionkey and r24.r_regionkey = r25.r_regionkey and r25.r_regionkey = r26.r_regionkey and r26.r_regionkey = r27.r_regionkey and r27.r_regionkey = r28.r_regionkey and r28.r_regionkey = r29.r_regionkey and r29.r_regionkey = r30.r_regionkey and r30.r_regionkey = r31.r_regionkey and r31.r_regionkey = r32.r_regionkey and r32.r_regionkey = r33.r_regionkey
---- result
125

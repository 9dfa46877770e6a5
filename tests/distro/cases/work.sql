-- An SQLite workload for the distribution-binary tests: recursive CTEs, joins, aggregates,
-- window functions, floating-point math and printf, an index and a transaction.
create table n(i integer primary key, sq integer, r real, t text);
with recursive c(x) as (select 1 union all select x + 1 from c where x < @ROWS@)
insert into n select x, x * x, x / 7.0, printf('%08x', (x * 2654435761) % 4294967296) from c;
create index n_t on n(t);
select count(*), sum(sq), round(sum(r), 6), min(t), max(t) from n;
select i, t from n where t like 'ff%' order by t limit 5;
select i % 10 as d, count(*), avg(r), total(sq) from n group by d order by d;
select i, sum(i) over (order by i rows between 2 preceding and current row) from n where i < 8;
select printf('%.17g %.3e %d', 1.0 / 3, 6.02e23, 1 << 40), 7 / 2, 7 % 3, -7 / 2, abs(-3.5);
begin; update n set t = upper(t) where i % 1000 = 0; commit;
select group_concat(t, ',') from n where i % 5000 = 0;
select a.i, b.i from n a join n b on a.sq = b.i where a.i < 6 order by 1;
select length(randomblob(16)), length(zeroblob(100)), quote(x'00ff'), typeof(1e308 * 10);

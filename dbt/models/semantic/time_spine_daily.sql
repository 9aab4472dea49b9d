-- MetricFlow's time spine: one row per day over the years facts can cover.
select cast(day as date) as date_day
from generate_series(date '2010-01-01', date '2035-12-31', interval 1 day) as days(day)

-- TPC-H-derived query 4: Order priority checking.
-- Derived from the TPC-H benchmark specification (TPC-H is a trademark of the Transaction Processing
-- Performance Council); timings from it are not TPC-H results and not comparable with published ones.
-- Validation substitution parameters: DATE = 1993-07-01.
SELECT
  o_orderpriority,
  count(*) AS order_count
FROM orders
WHERE o_orderdate >= DATE '1993-07-01'
  AND o_orderdate < DATE '1993-07-01' + INTERVAL '3' MONTH
  AND EXISTS (
    SELECT *
    FROM lineitem
    WHERE l_orderkey = o_orderkey
      AND l_commitdate < l_receiptdate)
GROUP BY o_orderpriority
ORDER BY o_orderpriority

-- TPC-H-derived query 3: Shipping priority.
-- Derived from the TPC-H benchmark specification (TPC-H is a trademark of the Transaction Processing
-- Performance Council); timings from it are not TPC-H results and not comparable with published ones.
-- Validation substitution parameters: SEGMENT = BUILDING, DATE = 1995-03-15.
SELECT
  l_orderkey,
  sum(l_extendedprice * (1 - l_discount)) AS revenue,
  o_orderdate,
  o_shippriority
FROM customer, orders, lineitem
WHERE c_mktsegment = 'BUILDING'
  AND c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND o_orderdate < DATE '1995-03-15'
  AND l_shipdate > DATE '1995-03-15'
GROUP BY l_orderkey, o_orderdate, o_shippriority
ORDER BY revenue DESC, o_orderdate
LIMIT 10

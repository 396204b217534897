-- TPC-H-derived query 5: Local supplier volume.
-- Derived from the TPC-H benchmark specification (TPC-H is a trademark of the Transaction Processing
-- Performance Council); timings from it are not TPC-H results and not comparable with published ones.
-- Validation substitution parameters: REGION = ASIA, DATE = 1994-01-01.
SELECT
  n_name,
  sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM customer, orders, lineitem, supplier, nation, region
WHERE c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND l_suppkey = s_suppkey
  AND c_nationkey = s_nationkey
  AND s_nationkey = n_nationkey
  AND n_regionkey = r_regionkey
  AND r_name = 'ASIA'
  AND o_orderdate >= DATE '1994-01-01'
  AND o_orderdate < DATE '1994-01-01' + INTERVAL '1' YEAR
GROUP BY n_name
ORDER BY revenue DESC

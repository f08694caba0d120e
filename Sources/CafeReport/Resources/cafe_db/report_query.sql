-- The extractor's analytical query (docs/cafe-report.md), limited to one report day:
-- ?1 and ?2 are the day's first instant and the next day's, in café local time.
SELECT pg.product_group_number, pg.product_group_name, p.id AS product_id, p.product_name,
       SUM(oi.quantity) AS quantity
FROM order_item oi
JOIN "order" o ON o.order_number = oi.order_number
JOIN product p ON p.id = oi.product_id
JOIN product_group pg ON pg.product_group_number = p.product_group
WHERE o.order_date_time >= ?1 AND o.order_date_time < ?2
GROUP BY pg.product_group_number, p.id
ORDER BY pg.product_group_number, p.id

-- The café's menu and the database account of the lab (docs/cafe-report.md).
INSERT INTO product_group (product_group_number, product_group_name) VALUES
    (1, 'Pastries'),
    (2, 'Drinks');

INSERT INTO product (id, product_name, description, price, product_group, image_url) VALUES
    (1, 'Croissant', 'Fresh, buttery and fluffy... Simply delicious!', '1.50', 1, 'images/Croissants.jpg'),
    (2, 'Donut', 'We have more than half-a-dozen flavors!', '1.00', 1, 'images/Donuts.jpg'),
    (3, 'Chocolate Chip Cookie', 'Made with Swiss chocolate with a touch of Madagascar vanilla', '2.50', 1, 'images/Chocolate-Chip-Cookies.jpg'),
    (4, 'Muffin', 'Banana bread, blueberry, cranberry or apple', '3.00', 1, 'images/Muffins.jpg'),
    (5, 'Strawberry Blueberry Tart', 'Bursting with the taste and aroma of fresh fruit', '3.50', 1, 'images/Strawberry-Blueberry-Tarts.jpg'),
    (6, 'Strawberry Tart', 'Made with fresh ripe strawberries and a delicious whipped cream', '3.50', 1, 'images/Strawberry-Tarts.jpg'),
    (7, 'Coffee', 'Freshly-ground black or blended Columbian coffee', '3.00', 2, 'images/Coffee.jpg'),
    (8, 'Hot Chocolate', 'Rich and creamy, and made with real chocolate', '3.00', 2, 'images/Cup-of-Hot-Chocolate.jpg'),
    (9, 'Latte', 'Offered hot or cold and in various delicious flavors', '3.50', 2, 'images/Latte.jpg');

INSERT INTO server_account (user_name, password) VALUES ('root', 'Re:Start!9');

-- cafe_db: the café's database (docs/cafe-report.md), in SQLite.
-- Money columns are DECIMAL(10,2) in the lab; here they hold exact decimal text ('3.50'),
-- because SQLite's NUMERIC affinity would turn them into binary floating point.

CREATE TABLE product_group (
    product_group_number INTEGER PRIMARY KEY,
    product_group_name   VARCHAR(25) NOT NULL
);

CREATE TABLE product (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    product_name  VARCHAR(40) NOT NULL,
    description   VARCHAR(200),
    price         TEXT NOT NULL CHECK (price GLOB '[0-9]*.[0-9][0-9]'),
    product_group INTEGER NOT NULL REFERENCES product_group (product_group_number),
    image_url     VARCHAR(256)
);

-- order_date_time is the café's local time (SSM /cafe/timeZone), 'YYYY-MM-DD HH:MM:SS',
-- as the café application stamps it.
CREATE TABLE "order" (
    order_number    INTEGER PRIMARY KEY AUTOINCREMENT,
    order_date_time TIMESTAMP NOT NULL,
    amount          TEXT NOT NULL CHECK (amount GLOB '[0-9]*.[0-9][0-9]')
);
CREATE INDEX order_by_time ON "order" (order_date_time);

CREATE TABLE order_item (
    order_number      INTEGER NOT NULL REFERENCES "order" (order_number),
    order_item_number INTEGER NOT NULL,
    product_id        INTEGER NOT NULL REFERENCES product (id),
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 15),
    amount            TEXT NOT NULL CHECK (amount GLOB '[0-9]*.[0-9][0-9]'),
    PRIMARY KEY (order_number, order_item_number)
);

-- Stands in for the MariaDB server's accounts: who may connect, with which password.
CREATE TABLE server_account (
    user_name TEXT PRIMARY KEY,
    password  TEXT NOT NULL
);

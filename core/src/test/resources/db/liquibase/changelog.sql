--liquibase formatted sql

--changeset tursosync:1
CREATE TABLE ${p}item (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE INDEX ${p}item_name ON ${p}item(name);
INSERT INTO ${p}item(id, name) VALUES (1, 'seeded by changeset 1');

--changeset tursosync:2
CREATE TABLE ${p}label (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES ${p}item(id), text TEXT NOT NULL);
INSERT INTO ${p}label(id, item_id, text) VALUES (1, 1, 'first');

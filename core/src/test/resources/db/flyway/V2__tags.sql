CREATE TABLE ${p}tag (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL REFERENCES ${p}note(id), name TEXT NOT NULL);
INSERT INTO ${p}tag(id, note_id, name) VALUES (1, 1, 'first');
CREATE VIEW ${p}tagged AS SELECT n.body, t.name FROM ${p}note n JOIN ${p}tag t ON t.note_id = n.id;

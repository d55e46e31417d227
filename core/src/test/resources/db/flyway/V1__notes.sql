CREATE TABLE ${p}note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE INDEX ${p}note_body ON ${p}note(body);
INSERT INTO ${p}note(id, body) VALUES (1, 'seeded by V1');

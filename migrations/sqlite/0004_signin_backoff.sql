-- Sign-in throttle with backoff. Attempts are now counted before the password is checked, per
-- (account, client address) and per client address; a key that uses up its attempts is locked
-- until `locked_until`, for twice as long at each new lock (`strikes`), up to a day.
-- Old rows were keyed on the account alone; they are dropped (a fresh window for everyone).
DELETE FROM signin_failures;
ALTER TABLE signin_failures ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signin_failures ADD COLUMN strikes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX signin_failures_window ON signin_failures (window_started_at);

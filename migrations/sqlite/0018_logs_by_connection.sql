-- The Logs page filtered by connection, and a connection's sign-in chart (its last 24 hours).
CREATE INDEX logs_connection_time ON logs (connection_id, created_at);

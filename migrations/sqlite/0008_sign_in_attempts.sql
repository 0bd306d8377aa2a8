-- Sign-in attempts that have not succeeded, per subject ('email:<address>' or
-- 'ip:<client address>'): the throttle counts those of the last hour. An attempt is
-- written before the password is checked (so racing attempts count each other) and
-- removed when it succeeds.
CREATE TABLE sign_in_attempts (
    id         TEXT NOT NULL,
    subject    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_by_subject ON sign_in_attempts (subject, created_at);
CREATE INDEX sign_in_attempts_by_id ON sign_in_attempts (id);
CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts (created_at);

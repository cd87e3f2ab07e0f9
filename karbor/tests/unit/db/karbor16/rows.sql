-- Rows the original Karbor 1.6.0 could not make in a noauth sandbox
-- (triggers and scheduled operations need Keystone trusts; quotas need a
-- Keystone project), written as its schema stores them. Runs on MariaDB
-- and PostgreSQL after the original's own objects.
INSERT INTO triggers (created_at, updated_at, deleted_at, deleted, id, name,
                      project_id, type, properties)
VALUES ('2026-12-06 17:00:00', NULL, NULL, false,
        'a1a1a1a1-0000-4000-8000-000000000001', 'hourly', 'demo', 'time',
        '{"pattern": "0 * * * *", "format": "crontab", "start_time": "2026-12-06 17:00:00", "window": "900"}'),
       ('2026-12-05 10:00:00', '2026-12-05 11:00:00', '2026-12-05 11:00:00',
        true, 'a1a1a1a1-0000-4000-8000-000000000002', 'old', 'demo', 'time',
        '{"pattern": "BEGIN:VEVENT\nRRULE:FREQ=DAILY;\nEND:VEVENT", "format": "calendar", "start_time": "2026-12-05 10:00:00", "window": "60"}');
INSERT INTO trigger_executions (created_at, updated_at, deleted_at, deleted,
                                id, trigger_id, execution_time)
VALUES ('2026-12-06 17:00:01', NULL, NULL, false,
        'b2b2b2b2-0000-4000-8000-000000000001',
        'a1a1a1a1-0000-4000-8000-000000000001', '2026-12-06 18:00:00');
INSERT INTO scheduled_operations (created_at, updated_at, deleted_at, deleted,
                                  id, name, description, operation_type,
                                  user_id, project_id, trigger_id,
                                  operation_definition, enabled)
VALUES ('2026-12-06 17:00:02', NULL, NULL, false,
        'c3c3c3c3-0000-4000-8000-000000000001', 'nightly', 'keep 3',
        'protect', 'admin', 'demo', 'a1a1a1a1-0000-4000-8000-000000000001',
        '{"provider_id": "b766f37c-d011-4026-8228-28730d734a3f", "plan_id": "7d204cdf-9811-42e3-8378-42773f38573d", "max_backups": "3"}',
        true);
INSERT INTO scheduled_operation_states (created_at, updated_at, deleted_at,
                                        deleted, operation_id, service_id,
                                        trust_id, state, end_time_for_run)
VALUES ('2026-12-06 17:00:02', '2026-12-06 17:00:03', NULL, false,
        'c3c3c3c3-0000-4000-8000-000000000001', 1,
        '5d8ef0b2c6d14a5c9e3f7a1b2c3d4e5f', 'registered', NULL);
INSERT INTO scheduled_operation_logs (created_at, updated_at, deleted_at,
                                      deleted, operation_id,
                                      expect_start_time, triggered_time,
                                      actual_start_time, end_time, state,
                                      extend_info)
VALUES ('2026-12-06 16:00:00', '2026-12-06 16:00:05', NULL, false,
        'c3c3c3c3-0000-4000-8000-000000000001', '2026-12-06 16:00:00',
        '2026-12-06 16:00:00', '2026-12-06 16:00:01', '2026-12-06 16:00:05',
        'success', NULL);
INSERT INTO quotas (created_at, updated_at, deleted_at, deleted, project_id,
                    resource, hard_limit)
VALUES ('2026-12-06 16:00:00', NULL, '2026-12-06 16:30:00', true, 'demo',
        'plans', 10),
       ('2026-12-06 16:30:00', NULL, NULL, false, 'demo', 'plans', 30);

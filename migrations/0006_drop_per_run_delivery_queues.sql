-- Deliveries were serialised per run in a graphile-worker queue named `deliver:<run>`, which left
-- one `_private_job_queues` row per run forever. They no longer use a named queue (a delivery
-- steps aside while another of its run is locked: app/delivery), so the rows that no job uses are
-- removed once. graphile-worker's schema is installed after our migrations on a new database,
-- hence the guard; there, nothing is left to remove.
DO $$
BEGIN
  IF to_regclass('graphile_worker._private_job_queues') IS NOT NULL THEN
    DELETE FROM graphile_worker._private_job_queues q
    WHERE q.queue_name LIKE 'deliver:%'
      AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.job_queue_id = q.id);
  END IF;
END $$;

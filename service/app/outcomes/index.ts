/**
 * Outcomes — what really happened to a compared pair (`/listing outcome`, the "Record real
 * result" button), recorded per workspace, and the calibration of the verdict's confidence they
 * give (`/listing calibration`). What the rest of the code may call: the outcome use-cases and
 * their types; the calibration itself is pure (domain/calibration.ts).
 */
export {
  createOutcomeServices,
  OUTCOME_NOTE_MAX,
  type OutcomeRecord,
  type OutcomeServices,
  type OutcomeTarget,
  type OutcomeVerdict,
  type RecordedOutcome,
  type RecordOutcomeInput,
} from './outcomes.ts';

/**
 * Delivery — getting what a person sees to where they asked. What the rest of the code may call:
 * the MessageSink port every platform implements (bots/<platform>/sink.ts, injected by
 * service/main), where a run was asked from (RunOrigin), scheduling a run's delivery (debounced
 * per run) and the deliver_run and notify_workspace tasks.
 */
export { DeliveryRefused, type CardsPosted, type MessageRef, type MessageSink, type PostedScorecard, type RootFacts, type RunOrigin, type ScorecardClaim, type Sinks } from './message-sink.ts';
export { deliveryJob, deliveryJobSql, endDeliverySql, scheduleDelivery } from './schedule-delivery.ts';
export { deliverRun } from './deliver-run.ts';
export { notifyWorkspace } from './notify-workspace.ts';

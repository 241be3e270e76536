CREATE TABLE "checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"pack" text,
	"credits" integer NOT NULL,
	"channel_id" text,
	"payment_intent" text,
	"amount_cents" integer,
	"refunded_cents" integer DEFAULT 0 NOT NULL,
	"lost_disputes" text[] DEFAULT '{}'::text[] NOT NULL,
	"disputed_cents" integer DEFAULT 0 NOT NULL,
	"reversed_credits" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "checkout_sessions_reversed_within_purchase" CHECK ("checkout_sessions"."reversed_credits" between 0 and "checkout_sessions"."credits")
);
--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "checkout_sessions_payment_intent_uq" ON "checkout_sessions" USING btree ("payment_intent");--> statement-breakpoint
CREATE INDEX "checkout_sessions_workspace_idx" ON "checkout_sessions" USING btree ("workspace_id","created_at");
CREATE TABLE "data_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"requested_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "run_images" (
	"run_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "run_images_run_id_sha256_pk" PRIMARY KEY("run_id","sha256")
);
--> statement-breakpoint
ALTER TABLE "data_links" ADD CONSTRAINT "data_links_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_images" ADD CONSTRAINT "run_images_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_links_expires_idx" ON "data_links" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "data_links_workspace_idx" ON "data_links" USING btree ("workspace_id","purpose");--> statement-breakpoint
CREATE INDEX "run_images_sha256_idx" ON "run_images" USING btree ("sha256");--> statement-breakpoint
-- run_images is a derived index: every image named in a run's inputs (a draft's uploaded photos,
-- a manual listing's `sha256:<hex>` references) or in its acquisition output (acquire,
-- draft_acquire) is recorded here by these triggers, so no code path can forget it: a value under
-- a key `sha256`, or a string `sha256:<hex>` anywhere. Only 64-hex hashes count.
CREATE FUNCTION "run_images_from_json"(run uuid, doc jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "run_images" ("run_id", "sha256")
  SELECT DISTINCT run, h FROM (
    SELECT v #>> '{}' AS h FROM jsonb_path_query(doc, 'lax $.**.sha256') AS v WHERE jsonb_typeof(v) = 'string'
    UNION ALL
    SELECT substr(v #>> '{}', 8) FROM jsonb_path_query(doc, 'lax $.** ? (@.type() == "string" && @ starts with "sha256:")') AS v
  ) AS named
  WHERE h ~ '^[0-9a-f]{64}$'
  ON CONFLICT DO NOTHING
$$;--> statement-breakpoint
CREATE FUNCTION "run_images_on_stage"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "run_images_from_json"(NEW."run_id", NEW."output");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "run_images_on_run"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "run_images_from_json"(NEW."id", NEW."inputs");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "run_images_stage_trg" AFTER INSERT OR UPDATE OF "output" ON "run_stages"
  FOR EACH ROW WHEN (NEW."stage" IN ('acquire', 'draft_acquire') AND NEW."output" IS NOT NULL)
  EXECUTE FUNCTION "run_images_on_stage"();--> statement-breakpoint
CREATE TRIGGER "run_images_run_trg" AFTER INSERT OR UPDATE OF "inputs" ON "runs"
  FOR EACH ROW EXECUTE FUNCTION "run_images_on_run"();--> statement-breakpoint
SELECT "run_images_from_json"("run_id", "output") FROM "run_stages" WHERE "stage" IN ('acquire', 'draft_acquire') AND "output" IS NOT NULL;--> statement-breakpoint
SELECT "run_images_from_json"("id", "inputs") FROM "runs";

CREATE TABLE "entries" (
	"flow_id" text NOT NULL,
	"customer_key" integer NOT NULL,
	"last_entry_at" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "entries_flow_id_customer_key_pk" PRIMARY KEY("flow_id","customer_key")
);
--> statement-breakpoint
CREATE TABLE "flow_versions" (
	"flow_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" text NOT NULL,
	"published_at" bigint NOT NULL,
	CONSTRAINT "flow_versions_flow_id_version_pk" PRIMARY KEY("flow_id","version")
);
--> statement-breakpoint
CREATE TABLE "journal" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "journal_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"run_id" text NOT NULL,
	"batch" integer NOT NULL,
	"node_id" text NOT NULL,
	"kind" text NOT NULL,
	"output" text,
	"at" bigint NOT NULL,
	"count" integer NOT NULL,
	"keys" text,
	"customer_key" integer,
	"data" text,
	CONSTRAINT "journal_kind" CHECK (kind IN ('arrive', 'route', 'park', 'error', 'note', 'detail', 'held'))
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"run_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"node_id" text NOT NULL,
	"customer_key" integer NOT NULL,
	"channel" text NOT NULL,
	"message" text NOT NULL,
	"offer" text,
	"state" text NOT NULL,
	"attempts" integer NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"sent_at" bigint,
	CONSTRAINT "outbox_key_unique" UNIQUE("key"),
	CONSTRAINT "outbox_state" CHECK (state IN ('pending', 'sent', 'dead'))
);
--> statement-breakpoint
CREATE TABLE "positions" (
	"run_id" text NOT NULL,
	"customer_key" integer NOT NULL,
	"node_id" text NOT NULL,
	"state" text NOT NULL,
	"due_at" bigint,
	"phase" text NOT NULL,
	"wake_type" text,
	"wake_where" text,
	"attempt" integer NOT NULL,
	"seq" integer NOT NULL,
	"holdout" boolean NOT NULL,
	"entered_at" bigint NOT NULL,
	"arrived_at" bigint NOT NULL,
	"trigger_event_key" bigint,
	"last_output" text,
	"error" text,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "positions_run_id_customer_key_pk" PRIMARY KEY("run_id","customer_key"),
	CONSTRAINT "positions_state" CHECK (state IN ('active', 'done', 'error', 'cancelled')),
	CONSTRAINT "positions_phase" CHECK (phase IN ('arrive', 'parked', 'woken'))
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"flow_id" text NOT NULL,
	"flow_version" integer NOT NULL,
	"state" text NOT NULL,
	"snapshot" text NOT NULL,
	"seed" text NOT NULL,
	"accepting" boolean NOT NULL,
	"policy" text,
	"replaces" text,
	"options" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "runs_state" CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "trigger_state" (
	"run_id" text PRIMARY KEY NOT NULL,
	"event_at" bigint,
	"event_key" bigint,
	"last_fire_at" bigint,
	"audience_fire_at" bigint,
	"audience_after_key" integer,
	"audience_done" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "journal_run" ON "journal" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "journal_customer" ON "journal" USING btree ("run_id","customer_key") WHERE customer_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_due" ON "outbox" USING btree ("next_attempt_at","id") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_run" ON "outbox" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "positions_due" ON "positions" USING btree ("run_id","node_id","due_at","customer_key") WHERE state = 'active';--> statement-breakpoint
CREATE INDEX "positions_next" ON "positions" USING btree ("run_id","due_at") WHERE state = 'active';--> statement-breakpoint
CREATE INDEX "positions_wake" ON "positions" USING btree ("run_id","wake_type") WHERE state = 'active' AND wake_type IS NOT NULL;--> statement-breakpoint
CREATE INDEX "runs_flow" ON "runs" USING btree ("flow_id","created_at");
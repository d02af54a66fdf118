CREATE TABLE `entries` (
	`flow_id` text NOT NULL,
	`customer_key` integer NOT NULL,
	`last_entry_at` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`flow_id`, `customer_key`)
);
--> statement-breakpoint
CREATE TABLE `flow_versions` (
	`flow_id` text NOT NULL,
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`published_at` integer NOT NULL,
	PRIMARY KEY(`flow_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `journal` (
	`id` integer PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`batch` integer NOT NULL,
	`node_id` text NOT NULL,
	`kind` text NOT NULL,
	`output` text,
	`at` integer NOT NULL,
	`count` integer NOT NULL,
	`keys` text,
	`customer_key` integer,
	`data` text,
	CONSTRAINT "journal_kind" CHECK(kind IN ('arrive', 'route', 'park', 'error', 'note', 'detail', 'held'))
);
--> statement-breakpoint
CREATE INDEX `journal_run` ON `journal` (`run_id`,`id`);--> statement-breakpoint
CREATE INDEX `journal_customer` ON `journal` (`run_id`,`customer_key`) WHERE customer_key IS NOT NULL;--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`run_id` text NOT NULL,
	`flow_id` text NOT NULL,
	`node_id` text NOT NULL,
	`customer_key` integer NOT NULL,
	`channel` text NOT NULL,
	`message` text NOT NULL,
	`offer` text,
	`state` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	CONSTRAINT "outbox_state" CHECK(state IN ('pending', 'sent', 'dead'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_key_unique` ON `outbox` (`key`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`next_attempt_at`,`id`) WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_run` ON `outbox` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `positions` (
	`run_id` text NOT NULL,
	`customer_key` integer NOT NULL,
	`node_id` text NOT NULL,
	`state` text NOT NULL,
	`due_at` integer,
	`phase` text NOT NULL,
	`wake_type` text,
	`wake_where` text,
	`attempt` integer NOT NULL,
	`seq` integer NOT NULL,
	`holdout` integer NOT NULL,
	`entered_at` integer NOT NULL,
	`arrived_at` integer NOT NULL,
	`trigger_event_key` integer,
	`last_output` text,
	`error` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `customer_key`),
	CONSTRAINT "positions_state" CHECK(state IN ('active', 'done', 'error', 'cancelled')),
	CONSTRAINT "positions_phase" CHECK(phase IN ('arrive', 'parked', 'woken'))
);
--> statement-breakpoint
CREATE INDEX `positions_due` ON `positions` (`run_id`,`node_id`,`due_at`,`customer_key`) WHERE state = 'active';--> statement-breakpoint
CREATE INDEX `positions_next` ON `positions` (`run_id`,`due_at`) WHERE state = 'active';--> statement-breakpoint
CREATE INDEX `positions_wake` ON `positions` (`run_id`,`wake_type`) WHERE state = 'active' AND wake_type IS NOT NULL;--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`flow_id` text NOT NULL,
	`flow_version` integer NOT NULL,
	`state` text NOT NULL,
	`snapshot` text NOT NULL,
	`seed` text NOT NULL,
	`accepting` integer NOT NULL,
	`policy` text,
	`replaces` text,
	`options` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "runs_state" CHECK(state IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX `runs_flow` ON `runs` (`flow_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `trigger_state` (
	`run_id` text PRIMARY KEY NOT NULL,
	`event_at` integer,
	`event_key` integer,
	`last_fire_at` integer,
	`audience_fire_at` integer,
	`audience_after_key` integer,
	`audience_done` integer DEFAULT 0 NOT NULL
);

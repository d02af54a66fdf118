CREATE TABLE `attributes` (
	`name` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`enum_values` text,
	`source` text NOT NULL,
	`description` text,
	`updated_at` integer NOT NULL,
	CONSTRAINT "attributes_type" CHECK(type IN ('string', 'number', 'boolean', 'date', 'enum')),
	CONSTRAINT "attributes_source" CHECK(source IN ('declared', 'inferred'))
);
--> statement-breakpoint
CREATE TABLE `consents` (
	`customer_key` integer NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`at` integer NOT NULL,
	`source` text,
	PRIMARY KEY(`customer_key`, `channel`),
	FOREIGN KEY (`customer_key`) REFERENCES `customers`(`key`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "consents_channel" CHECK(channel IN ('email', 'sms', 'call', 'push', 'wechat', 'inbox')),
	CONSTRAINT "consents_status" CHECK(status IN ('granted', 'revoked'))
);
--> statement-breakpoint
CREATE TABLE `contacts` (
	`key` integer PRIMARY KEY NOT NULL,
	`customer_key` integer NOT NULL,
	`flow_id` text NOT NULL,
	`run_id` text,
	`node_id` text NOT NULL,
	`channel` text NOT NULL,
	`offer` text,
	`at` integer NOT NULL,
	`status` text DEFAULT 'sent' NOT NULL,
	FOREIGN KEY (`customer_key`) REFERENCES `customers`(`key`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "contacts_channel" CHECK(channel IN ('email', 'sms', 'call', 'push', 'wechat', 'inbox')),
	CONSTRAINT "contacts_status" CHECK(status IN ('sent', 'delivered', 'failed', 'bounced'))
);
--> statement-breakpoint
CREATE INDEX `contacts_customer_at` ON `contacts` (`customer_key`,`at`);--> statement-breakpoint
CREATE INDEX `contacts_customer_channel_at` ON `contacts` (`customer_key`,`channel`,`at`);--> statement-breakpoint
CREATE TABLE `customer_addresses` (
	`customer_key` integer NOT NULL,
	`kind` text NOT NULL,
	`address` text NOT NULL,
	PRIMARY KEY(`customer_key`, `kind`),
	FOREIGN KEY (`customer_key`) REFERENCES `customers`(`key`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "customer_addresses_kind" CHECK(kind IN ('email', 'phone', 'push', 'wechat'))
);
--> statement-breakpoint
CREATE INDEX `customer_addresses_kind_address` ON `customer_addresses` (`kind`,`address`);--> statement-breakpoint
CREATE TABLE `customer_tags` (
	`customer_key` integer NOT NULL,
	`name` text NOT NULL,
	`layer` text NOT NULL,
	`value` text NOT NULL,
	`num` real,
	`at` integer NOT NULL,
	`source` text,
	PRIMARY KEY(`customer_key`, `name`),
	FOREIGN KEY (`customer_key`) REFERENCES `customers`(`key`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "customer_tags_layer" CHECK(layer IN ('raw', 'fact', 'model', 'predictive'))
);
--> statement-breakpoint
CREATE INDEX `customer_tags_name_num` ON `customer_tags` (`name`,`num`);--> statement-breakpoint
CREATE TABLE `customers` (
	`key` integer PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`preferred_channel` text,
	`attributes` blob NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "customers_preferred_channel" CHECK(preferred_channel IS NULL OR preferred_channel IN ('email', 'sms', 'call', 'push', 'wechat', 'inbox'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_external_id_unique` ON `customers` (`external_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`key` integer PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`customer_key` integer NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`properties` blob NOT NULL,
	FOREIGN KEY (`customer_key`) REFERENCES `customers`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_event_id_unique` ON `events` (`event_id`);--> statement-breakpoint
CREATE INDEX `events_customer_type_at` ON `events` (`customer_key`,`type`,`at`);--> statement-breakpoint
CREATE INDEX `events_type_at` ON `events` (`type`,`at`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`scope` text NOT NULL,
	`value` text NOT NULL,
	`reason` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`scope`, `value`),
	CONSTRAINT "suppressions_scope" CHECK(scope IN ('customer', 'email', 'phone', 'push', 'wechat'))
);

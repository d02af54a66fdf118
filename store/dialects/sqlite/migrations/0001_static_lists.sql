CREATE TABLE `static_list_members` (
	`list_key` integer NOT NULL,
	`customer_key` integer NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`list_key`, `customer_key`),
	FOREIGN KEY (`list_key`) REFERENCES `static_lists`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_key`) REFERENCES `customers`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `static_list_members_customer` ON `static_list_members` (`customer_key`);--> statement-breakpoint
CREATE TABLE `static_lists` (
	`key` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `static_lists_name_unique` ON `static_lists` (`name`);
CREATE TABLE `run_inputs` (
	`run_id` text NOT NULL,
	`batch` integer NOT NULL,
	`node_id` text NOT NULL,
	`at` integer NOT NULL,
	`count` integer NOT NULL,
	`keys` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`run_id`, `batch`)
);

CREATE TABLE "run_inputs" (
	"run_id" text NOT NULL,
	"batch" integer NOT NULL,
	"node_id" text NOT NULL,
	"at" bigint NOT NULL,
	"count" integer NOT NULL,
	"keys" text NOT NULL,
	"data" text NOT NULL,
	CONSTRAINT "run_inputs_run_id_batch_pk" PRIMARY KEY("run_id","batch")
);

CREATE TABLE "static_list_members" (
	"list_key" integer NOT NULL,
	"customer_key" integer NOT NULL,
	"added_at" bigint NOT NULL,
	CONSTRAINT "static_list_members_list_key_customer_key_pk" PRIMARY KEY("list_key","customer_key")
);
--> statement-breakpoint
CREATE TABLE "static_lists" (
	"key" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "static_lists_key_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"description" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "static_lists_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE INDEX "static_list_members_customer" ON "static_list_members" USING btree ("customer_key");
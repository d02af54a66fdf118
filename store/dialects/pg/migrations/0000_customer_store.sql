CREATE TABLE "attributes" (
	"name" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"enum_values" jsonb,
	"source" text NOT NULL,
	"description" text,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "attributes_type" CHECK (type IN ('string', 'number', 'boolean', 'date', 'enum')),
	CONSTRAINT "attributes_source" CHECK (source IN ('declared', 'inferred'))
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"customer_key" integer NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"at" bigint NOT NULL,
	"source" text,
	CONSTRAINT "consents_customer_key_channel_pk" PRIMARY KEY("customer_key","channel"),
	CONSTRAINT "consents_channel" CHECK (channel IN ('email', 'sms', 'call', 'push', 'wechat', 'inbox')),
	CONSTRAINT "consents_status" CHECK (status IN ('granted', 'revoked'))
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"key" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "contacts_key_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_key" integer NOT NULL,
	"flow_id" text NOT NULL,
	"run_id" text,
	"node_id" text NOT NULL,
	"channel" text NOT NULL,
	"offer" text,
	"at" bigint NOT NULL,
	"status" text DEFAULT 'sent' NOT NULL,
	CONSTRAINT "contacts_channel" CHECK (channel IN ('email', 'sms', 'call', 'push', 'wechat', 'inbox')),
	CONSTRAINT "contacts_status" CHECK (status IN ('sent', 'delivered', 'failed', 'bounced'))
);
--> statement-breakpoint
CREATE TABLE "customer_addresses" (
	"customer_key" integer NOT NULL,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	CONSTRAINT "customer_addresses_customer_key_kind_pk" PRIMARY KEY("customer_key","kind"),
	CONSTRAINT "customer_addresses_kind" CHECK (kind IN ('email', 'phone', 'push', 'wechat'))
);
--> statement-breakpoint
CREATE TABLE "customer_tags" (
	"customer_key" integer NOT NULL,
	"name" text NOT NULL,
	"layer" text NOT NULL,
	"value" jsonb NOT NULL,
	"num" double precision,
	"at" bigint NOT NULL,
	"source" text,
	CONSTRAINT "customer_tags_customer_key_name_pk" PRIMARY KEY("customer_key","name"),
	CONSTRAINT "customer_tags_layer" CHECK (layer IN ('raw', 'fact', 'model', 'predictive'))
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"key" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customers_key_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"external_id" text NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"preferred_channel" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "customers_external_id_unique" UNIQUE("external_id"),
	CONSTRAINT "customers_preferred_channel" CHECK (preferred_channel IS NULL OR preferred_channel IN ('email', 'sms', 'call', 'push', 'wechat', 'inbox'))
);
--> statement-breakpoint
CREATE TABLE "events" (
	"key" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_key_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" text NOT NULL,
	"customer_key" integer NOT NULL,
	"type" text NOT NULL,
	"at" bigint NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "events_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"scope" text NOT NULL,
	"value" text NOT NULL,
	"reason" text NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "suppressions_scope_value_pk" PRIMARY KEY("scope","value"),
	CONSTRAINT "suppressions_scope" CHECK (scope IN ('customer', 'email', 'phone', 'push', 'wechat'))
);
--> statement-breakpoint
CREATE INDEX "contacts_customer_at" ON "contacts" USING btree ("customer_key","at");--> statement-breakpoint
CREATE INDEX "contacts_customer_channel_at" ON "contacts" USING btree ("customer_key","channel","at");--> statement-breakpoint
CREATE INDEX "customer_addresses_kind_address" ON "customer_addresses" USING btree ("kind","address");--> statement-breakpoint
CREATE INDEX "customer_tags_name_num" ON "customer_tags" USING btree ("name","num");--> statement-breakpoint
CREATE INDEX "events_customer_type_at" ON "events" USING btree ("customer_key","type","at");--> statement-breakpoint
CREATE INDEX "events_type_at" ON "events" USING btree ("type","at");
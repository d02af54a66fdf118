DROP INDEX "events_type_at";--> statement-breakpoint
CREATE INDEX "events_type_at" ON "events" USING btree ("type","at","customer_key");
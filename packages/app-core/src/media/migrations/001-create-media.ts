import type { Knex } from 'knex';

/** The media table: one row per stored object, read newest first by keyset pagination. */
export const createMedia = {
  async up(knex: Knex): Promise<void> {
    const mysql = knex.client.config.client === 'mysql2';
    await knex.schema.createTable('media', (table) => {
      if (mysql) {
        // utf8mb4 so that any Unicode filename fits (MySQL's `utf8` is 3 bytes per character).
        table.charset('utf8mb4');
        table.collate('utf8mb4_unicode_ci');
      }
      table.string('id', 36).primary();
      table.string('key', 512).notNullable().unique();
      table.string('filename', 255).notNullable();
      table.string('content_type', 255).notNullable();
      table.bigInteger('size').notNullable();
      // timestamptz(3) on PostgreSQL, datetime(3) on MySQL/MariaDB (no 2038 limit, no
      // implicit ON UPDATE), an integer of milliseconds on SQLite (knex binds Dates so).
      table.datetime('created_at', { precision: 3 }).notNullable();
      table.index(['created_at', 'id'], 'media_created_at_id_idx');
    });
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTable('media');
  },
};

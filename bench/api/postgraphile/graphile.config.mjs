// PostGraphile 5 as bench/api.sh runs it: the amber preset over schema `public` of DATABASE_URL,
// plus the connection-filter plugin (amber alone filters by equality only, not date ranges).
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      // The same number of database connections as cdmo-atlas's pool (store/src/db.rs).
      poolConfig: { max: Number(process.env.PG_POOL_MAX || 16) },
    }),
  ],
  grafserv: {
    port: Number(process.env.PORT || 5678),
    host: "127.0.0.1",
    graphiql: false,
  },
};

export default preset;

// The DB instance classes an Aurora PostgreSQL Global Database of this project can run on: config.data.instanceType is checked against it.
//
// Sources, read on 2026-11-28 through the project's documentation search:
// - "Supported DB engines for DB instance classes" (Aurora User Guide,
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html):
//   which classes run Aurora PostgreSQL, and from which engine version;
// - "Configuration requirements of an Amazon Aurora global database"
//   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html):
//   a global database needs memory-optimized classes, db.r5 or later recommended.
//
// So the table holds only the memory-optimized families (db.r and db.x2g) that run the Aurora
// PostgreSQL major version the project deploys (AURORA_POSTGRES_MAJOR; lib/stacks/data-stack.ts pins
// the exact version, and test/config/catalog.test.ts fails when its major changes, so this table is
// read again then). Burstable (db.t), Optimized Reads (db.r6gd, db.r6id, db.r8gd) and serverless
// classes are left out: a global database does not take db.t, and the project uses neither of the
// others. Which classes a region offers varies: check with
// `aws rds describe-orderable-db-instance-options --engine aurora-postgresql --engine-version <v> --region <r>`.

/** The Aurora PostgreSQL major version the table was compiled for. */
export const AURORA_POSTGRES_MAJOR = '17';

const SIZES_TO_16XL = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const SIZES_TO_24XL = [...SIZES_TO_16XL, '24xlarge'];

/** Sizes of each memory-optimized family that runs Aurora PostgreSQL 17, by family. */
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  r8g: [...SIZES_TO_24XL, '48xlarge'],
  r7g: SIZES_TO_16XL,
  r7i: [...SIZES_TO_24XL, '48xlarge'],
  r6g: SIZES_TO_16XL,
  r6i: [...SIZES_TO_24XL, '32xlarge'],
  r5: SIZES_TO_24XL,
  x2g: SIZES_TO_16XL,
};

/** Every instance class of the table, as config writes it: without the `db.` prefix CDK adds. */
export const AURORA_INSTANCE_CLASSES: readonly string[] = Object.entries(FAMILIES).flatMap(([family, sizes]) =>
  sizes.map((size) => `${family}.${size}`),
);

/** The families of the table, for messages. */
export const AURORA_INSTANCE_FAMILIES: readonly string[] = Object.keys(FAMILIES);

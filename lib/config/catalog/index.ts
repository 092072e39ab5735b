// Tables of what AWS offers (regions and AZs, instance classes, node types, engine versions), each with its source and date.
export * from './aurora';
export * from './elasticache';
export * from './regions';

export * from './simulator';
export * from './agent';
export * from './checks';

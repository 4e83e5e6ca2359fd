export * from './redis-server';
export * from './recording';

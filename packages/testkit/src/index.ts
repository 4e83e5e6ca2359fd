export * from './redis-server';
export * from './recording';
export * from './aivo';

export * from './redis-server';
export * from './recording';
export * from './aivo';
export * from './iadvize';
export * from './imiconnect';

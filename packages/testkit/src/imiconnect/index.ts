export * from './events';
export * from './platform';
export * from './inbound-server';
export * from './chat';

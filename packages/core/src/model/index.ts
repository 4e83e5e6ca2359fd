export * from './content';
export * from './action';
export * from './event';
export * from './conversation';

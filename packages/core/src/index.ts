export * from './model';
export * from './ports';
export * from './errors';
export * from './validation';
export * from './degrade';
export * from './router/ingress';

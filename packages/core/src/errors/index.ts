export * from './botgate-error';
export * from './validation-error';
export * from './not-found-error';
export * from './auth-error';
export * from './delivery-errors';
export * from './unavailable-error';
export * from './config-error';
export * from './webhook-refusal';

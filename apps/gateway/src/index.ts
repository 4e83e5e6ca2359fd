// @botgate/gateway: the express app, its wiring and the CLI, usable as a library (tests, custom
// entry points).

export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './config/load-config';
export { GatewayConfig, type Role, type LogLevel, type BotOptions, type RouterOptions } from './config/schema';
export { embeddedDefaultConfig, DEMO_SCENARIO_FILE } from './config/default-config';
export { createLogger, createSilentLogger, type CreateLoggerOptions } from './logging/create-logger';
export { redact, SENSITIVE_KEY } from './logging/redact';
export { createGatewayApp, type GatewayAppDeps, type RouteMount } from './http/create-gateway-app';
export { toJsonError, type JsonErrorBody } from './http/json-errors';
export { createApiChannel, type ApiChannel, type ApiChannelOptions } from './channels/api';
export { assembleGateway, type GatewayParts } from './wiring/assemble-gateway';
export { createGateway, type Gateway, type CreateGatewayDeps } from './wiring/create-gateway';
export { createStorage } from './wiring/create-storage';
export { runCli, USAGE, type CliOutcome } from './cli';
export { PrometheusMetrics, type PrometheusMetricsOptions } from './metrics';
export { createAdminRouter, hashAdminPassword, AdminOptions } from './admin';
export { buildOpenApiDocument, listMountedRoutes, type OpenApiSurfaces } from './openapi';

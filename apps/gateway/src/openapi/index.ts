export { buildOpenApiDocument, openApiOperations, ALL_SURFACES, type OpenApiSurfaces } from './openapi-document';
export { listMountedRoutes, type MountedRoute } from './route-walker';
export { openApiPath, type OperationSpec } from './openapi-builder';

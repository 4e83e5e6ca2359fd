// Lists the routes an express app really serves, by walking its router stack, so a test can
// hold the OpenAPI document to what is mounted. Express keeps mount paths on each layer
// (router 2.x `rawPath`) and route paths on `layer.route`.

export interface MountedRoute {
  method: string;
  path: string;
}

interface RouteLike {
  path: string | string[];
  methods: Record<string, boolean>;
}

interface LayerLike {
  route?: RouteLike;
  rawPath?: string | string[] | RegExp;
  handle?: unknown;
}

function stackOf(handle: unknown): LayerLike[] | undefined {
  if (typeof handle !== 'function' && (typeof handle !== 'object' || handle === null)) return undefined;
  const candidate = handle as { stack?: unknown; router?: { stack?: unknown } };
  if (Array.isArray(candidate.stack)) return candidate.stack as LayerLike[];
  // A whole express app used as middleware (bull-board) keeps its stack on app.router.
  if (candidate.router && Array.isArray(candidate.router.stack)) return candidate.router.stack as LayerLike[];
  return undefined;
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function walk(stack: readonly LayerLike[], prefix: string, out: MountedRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) for (const method of Object.keys(layer.route.methods)) out.push({ method: method === '_all' ? 'all' : method, path: join(prefix, path) });
      continue;
    }
    const inner = stackOf(layer.handle);
    if (!inner) continue;
    const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '';
    walk(inner, join(prefix, mount), out);
  }
}

/**
 * Every (method, path) the app serves, paths in express syntax (`/a/:id`), once each: a hot vendor
 * route is registered on the app and also kept in its router.
 */
export function listMountedRoutes(app: unknown): MountedRoute[] {
  const out: MountedRoute[] = [];
  const stack = stackOf(app);
  if (stack) walk(stack, '', out);
  return [...new Map(out.map((route) => [`${route.method} ${route.path}`, route])).values()];
}

// Next.js calls `register()` once per server process, while the custom server prepares Next
// (`await nextApp.prepare()` in src/server.ts), before any request. It installs the bridge:
// the part of the app that the custom server and the release command need (app-core's
// `serve`, the request pipeline, the migrations), compiled into Next's server bundle like
// the pages and route handlers, so that there is one copy of app-core in the process.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installBridge } = await import('./bundle.ts');
  installBridge();
}

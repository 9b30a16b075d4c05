// Development only (docker-compose.yml's `command`): lets Node run the TypeScript sources
// directly. They import each other as `./x.js` (NodeNext style, what tsc emits); when that
// file does not exist, this hook resolves the specifier to `./x.ts` instead, which Node 24
// then loads with its built-in type stripping. The production image runs the compiled dist/.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../');
      if (relative && specifier.endsWith('.js') && error?.code === 'ERR_MODULE_NOT_FOUND') {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
  },
});

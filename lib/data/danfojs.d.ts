// TypeScript's "node" module resolution (this repo's tsconfig) ignores package.json "exports", where
// danfojs keeps its type declarations. Point the bare name at them; at run time Node resolves
// `require('danfojs')` through "exports" as usual.
declare module 'danfojs' {
  export * from 'danfojs/dist/danfojs-browser/src/index';
}

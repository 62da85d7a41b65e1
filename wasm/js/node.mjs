// Node entry for `import`: the CommonJS entry itself, so that a program (or its dependencies)
// mixing `import` and `require` shares one instance and one SanalposError class.
export * from './node.cjs';

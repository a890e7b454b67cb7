#!/usr/bin/env node
import module from 'node:module';

// Node ≥ 22.1 keeps compiled code between runs (a faster start); older versions lack the call.
module.enableCompileCache?.();
await import('../dist/main.js');

// `rollcall/web`: the package for a plain browser page loading ES modules. Call the default
// export once (it fetches the `.wasm` beside the module) before anything else.
export * from './index.js';

/** Where the `.wasm` comes from: a URL, a `fetch` response, or its bytes. */
export type InitInput =
  | RequestInfo
  | URL
  | Response
  | BufferSource
  | WebAssembly.Module;

/** Loads the WebAssembly module; resolves when the package is ready to use. */
export default function init(
  module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;

/** Loads the module synchronously from its bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;

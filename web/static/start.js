// Starts the page's WebAssembly. A file of its own, not an inline script, so that the
// Content-Security-Policy (script-src 'self') lets it run.
import init from '/rollcall_web.js';

init({ module_or_path: '/rollcall_web_bg.wasm' }).catch((error) => {
  document.body.textContent = 'Rollcall could not start / Rollcall no pudo iniciarse: ' + error;
});

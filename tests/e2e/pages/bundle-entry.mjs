// A bundler's view of the package: `import ... from 'rollcall'` resolves to the bundler build.
import { checkJson, codes } from 'rollcall';

window.rollcallBundled = { checkJson, codes };
document.getElementById('status').textContent = 'Ready';

// The engine: tapegrad compiled to WebAssembly (tapegrad_lab.js, built from lab/api.cpp), behind
// functions that return plain objects and throw an Error carrying the engine's own message.
"use strict";

const Engine = (() => {
  let M = null;
  let fns = null;

  function call(name, ...args) {
    const reply = JSON.parse(fns[name](...args));
    if (reply && reply.error !== undefined) throw new Error(reply.error);
    return reply;
  }

  return {
    async load() {
      M = await createTapegradLab();
      fns = {
        lab_new: M.cwrap("lab_new", "string", ["string"]),
        lab_train: M.cwrap("lab_train", "string", ["number"]),
        lab_data: M.cwrap("lab_data", "string", []),
        lab_weights: M.cwrap("lab_weights", "string", []),
        lab_grid: M.cwrap("lab_grid", "string", ["number", "number", "number", "number", "number"]),
        lab_explain: M.cwrap("lab_explain", "string", ["number", "number"]),
      };
    },
    // A new network; config as lab/api.cpp's lab_new takes it.
    create: (config) => call("lab_new", JSON.stringify(config)),
    train: (steps) => call("lab_train", steps),
    data: () => call("lab_data"),
    weights: () => call("lab_weights"),
    // Every neuron's output on an n×n grid over [x0, x1] × [y0, y1], row 0 at the top:
    // values[offset(l, j) + r n + c], layer by layer (a^1 = the point itself), neuron by neuron.
    grid(n, x0, x1, y0, y1) {
      const g = call("lab_grid", n, x0, x1, y0, y1);
      return new Float32Array(M.HEAPF32.buffer, g.ptr, g.count).slice();
    },
    explain: (example, digits) => call("lab_explain", example, digits),
  };
})();

// The page: settings ↔ address, a new network, training in short slices between frames (the
// page stays responsive), and the views. Every error the engine reports is shown in #message.
"use strict";

const Lab = {
  state: UrlState.defaults(),
  data: null,          // lab_data(): points, labels, sizes, activations
  history: [],         // {steps, loss, accuracy} after each slice
  progress: null,      // lab_train's last answer
  running: false,
  selected: null,      // {l, j}: the neuron whose rows are marked
  explanation: null,
  gridN: 32,
  target: null,        // while an address's steps are replayed: the step to stop at
  bounds: null,
};

const $ = (id) => document.getElementById(id);
const settingIds = ["data", "train_size", "seed", "hidden", "activation", "output", "cost", "l2", "optimizer", "eta", "batch"];

function showMessage(text) {
  const m = $("message");
  m.textContent = text;
  m.hidden = !text;
}

// The engine's configuration from the state; numbers the engine must see as bad stay bad
// ("NaN" becomes null: the engine names it).
function engineConfig(s) {
  if (s.preset === "seed002") {
    const c = { preset: "seed002", optimizer: s.optimizer || "sgd" };
    if (s.eta !== "") c.eta = Number(s.eta);
    if (s.cost) c.cost = s.cost;
    return c;
  }
  const c = { data: s.data, optimizer: s.optimizer || "sgd", seed: Number(s.seed || 1) };
  if (s.train_size !== "") c.train_size = Number(s.train_size);
  if (s.hidden !== "") c.hidden = s.hidden.split(",").map(Number);
  for (const k of ["activation", "output", "cost"]) if (s[k]) c[k] = s[k];
  for (const k of ["l2", "eta"]) if (s[k] !== "") c[k] = Number(s[k]);  // NaN → null in JSON
  if (s.batch !== "") c.batch = Number(s.batch);
  return c;
}

function writeAddress() {
  history.replaceState(null, "", location.pathname + location.search + UrlState.format(Lab.state));
}

function settingsToForm() {
  for (const id of settingIds) $(id).value = Lab.state[id];
  $("example").value = Lab.state.example;
  $("digits").value = Lab.state.digits;
  document.body.classList.toggle("preset", Lab.state.preset === "seed002");
}

function formToSettings() {
  for (const id of settingIds) Lab.state[id] = $(id).value.trim();
}

// A new network from Lab.state. Returns false (and shows why) when the engine refuses the
// settings; the previous network, if any, is then gone.
function rebuild() {
  stop();
  Lab.history = [];
  Lab.explanation = null;
  try {
    Lab.progress = Engine.create(engineConfig(Lab.state));
    Lab.data = Engine.data();
  } catch (e) {
    Lab.data = null;
    showMessage(e.message);
    $("status").textContent = "no network: fix the settings above";
    document.body.classList.add("no-network");
    return false;
  }
  document.body.classList.remove("no-network");
  Lab.bounds = boundsOf(Lab.data.X);
  Lab.history.push(Lab.progress);
  Lab.state.steps = "0";
  redraw();
  explainExample();
  return true;
}

// The plane shown: the points' box, 10% larger, made square.
function boundsOf(X) {
  const [xs, ys] = X;
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const half = 0.55 * Math.max(x1 - x0, y1 - y0, 1e-3), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
}

function trainSteps(steps) {
  Lab.progress = Engine.train(steps);
  Lab.history.push(Lab.progress);
  if (Lab.progress.divergence) {
    stop();
    showMessage(Lab.progress.divergence);
  }
}

function redraw() {
  if (!Lab.data) return;
  const p = Lab.progress, b = Lab.bounds, n = Lab.gridN;
  const grid = Engine.grid(n, b.x0, b.x1, b.y0, b.y1);
  Draw.network($("network"), Lab.data, Engine.weights(), grid, n, Lab.selected, pickNeuron);
  Draw.boundary($("boundary"), Lab.data, grid, n, Lab.data, b, Lab.explainedExample);
  Draw.curves($("curves"), Lab.history);
  const acc = p.accuracy === null ? "—" : (100 * p.accuracy).toFixed(1) + "%";
  const loss = p.loss === null ? "not a number" : p.loss.toPrecision(4);
  $("status").textContent = `${Lab.data.name}, [${Lab.data.sizes}] ${Lab.data.hidden} hidden, ${Lab.data.output} output, ` +
    `${Lab.data.cost}; η = ${Lab.data.eta}, batch ${Lab.data.batch || "all"}. Step ${p.steps} (epoch ${p.epoch}): ` +
    `loss ${loss}, training accuracy ${acc}`;
  $("status").dataset.accuracy = p.accuracy ?? "";
  $("status").dataset.steps = p.steps;
}

function pickNeuron(l, j) {
  Lab.selected = l === 1 ? null : { l, j };
  redraw();
  renderExplanation();
}

// explain's rows for the chosen example (in the preset without an example: seed 002's own).
function explainExample() {
  if (!Lab.data) return;
  const preset = Lab.state.preset === "seed002";
  const k = Lab.state.example === "" ? (preset ? -1 : 0) : Number(Lab.state.example);
  try {
    Lab.explanation = Engine.explain(k, Number(Lab.state.digits || 4));
  } catch (e) {
    Lab.explanation = null;
    $("rows").querySelector("tbody").replaceChildren();
    $("back-steps").replaceChildren();
    showMessage(e.message);
    return;
  }
  Lab.explainedExample = k;
  const e = Lab.explanation;
  $("example-xy").textContent = `x = a¹ = (${e.x.map((v) => +v.toPrecision(4)).join(", ")}), y = (${e.y.join(", ")})` +
    (k < 0 ? ": seed 002's example" : "");
  const last = e.backward.length;
  const back = Lab.state.back === "" ? last : Math.min(Number(Lab.state.back), last);
  Lab.back = back;
  renderExplanation();
}

function renderExplanation() {
  if (Lab.explanation) ExplainView.render(Lab.explanation, Lab.back, Lab.selected);
}

function setBack(b) {
  if (!Lab.explanation) return;
  Lab.back = Math.max(0, Math.min(b, Lab.explanation.backward.length));
  Lab.state.back = String(Lab.back);
  writeAddress();
  renderExplanation();
}

// Training runs between frames: each frame takes as many steps as fit in about 15 ms (up to
// Lab.target, when an address's steps are being replayed).
let stepsPerFrame = 1;
function frame() {
  if (!Lab.running) return;
  const t0 = performance.now();
  const n = Lab.target === null ? stepsPerFrame : Math.min(stepsPerFrame, Lab.target - Lab.progress.steps);
  try {
    if (n > 0) trainSteps(n);
  } catch (e) {
    stop();
    showMessage(e.message);
  }
  const spent = performance.now() - t0;
  stepsPerFrame = Math.max(1, Math.min(500, Math.round(stepsPerFrame * (spent < 8 ? 1.5 : spent > 20 ? 0.6 : 1))));
  if (Lab.target !== null && Lab.progress.steps >= Lab.target) stop();
  Lab.state.steps = String(Lab.progress.steps);
  redraw();
  if (Lab.running) requestAnimationFrame(frame);
  else settle();
}

// After training stops: the address, the example's rows, and (after a replay) the page is ready.
function settle() {
  Lab.target = null;
  writeAddress();
  explainExample();
  document.body.dataset.ready = "1";
}

function start() {
  if (!Lab.data || Lab.progress.divergence) return;
  Lab.running = true;
  $("run").textContent = "pause";
  requestAnimationFrame(frame);
}

// Stops training; the frame under way settles the page.
function stop() {
  Lab.running = false;
  $("run").textContent = "start";
}

function applyForm() {
  formToSettings();
  Lab.state.preset = "";
  Lab.state.steps = "0";
  Lab.state.back = "";
  showMessage("");
  rebuild();
  writeAddress();
}

function wire() {
  $("apply").addEventListener("click", applyForm);
  for (const id of settingIds) $(id).addEventListener("change", applyForm);
  $("preset").addEventListener("click", () => {
    Object.assign(Lab.state, UrlState.defaults(), { preset: "seed002", data: "xor" });
    settingsToForm();
    showMessage("");
    rebuild();
    writeAddress();
  });
  $("run").addEventListener("click", () => (Lab.running ? stop() : start()));
  $("step").addEventListener("click", () => {
    if (!Lab.data || Lab.progress.divergence) return;
    stop();
    trainSteps(1);
    Lab.state.steps = String(Lab.progress.steps);
    writeAddress();
    redraw();
    explainExample();
  });
  $("example").addEventListener("change", () => {
    Lab.state.example = $("example").value.trim();
    Lab.state.back = "";
    writeAddress();
    explainExample();
    redraw();
  });
  $("digits").addEventListener("change", () => {
    Lab.state.digits = $("digits").value.trim();
    writeAddress();
    explainExample();
  });
  $("boundary").addEventListener("click", (ev) => pickPoint(ev));
  $("back-first").addEventListener("click", () => setBack(0));
  $("back-prev").addEventListener("click", () => setBack(Lab.back - 1));
  $("back-next").addEventListener("click", () => setBack(Lab.back + 1));
  $("back-last").addEventListener("click", () => setBack(Infinity));
  window.addEventListener("hashchange", () => restore(location.hash));
}

// The training point nearest to a click on the boundary view becomes the explained example.
function pickPoint(ev) {
  if (!Lab.data) return;
  const c = $("boundary"), r = c.getBoundingClientRect(), b = Lab.bounds;
  const x = b.x0 + (ev.clientX - r.left) / r.width * (b.x1 - b.x0), y = b.y1 - (ev.clientY - r.top) / r.height * (b.y1 - b.y0);
  let best = 0, bestD = Infinity;
  Lab.data.labels.forEach((_, j) => {
    const d = (Lab.data.X[0][j] - x) ** 2 + (Lab.data.X[1][j] - y) ** 2;
    if (d < bestD) { bestD = d; best = j; }
  });
  Lab.state.example = String(best);
  Lab.state.back = "";
  $("example").value = best;
  writeAddress();
  explainExample();
  redraw();
}

// The state of an address: its settings, then as many steps as it says, trained between frames.
function restore(hash) {
  delete document.body.dataset.ready;
  const { state, problems } = UrlState.parse(hash);
  const steps = Number(state.steps || 0);
  Lab.state = state;
  settingsToForm();
  showMessage(problems.length ? "The address was not all understood: " + problems.join("; ") + "." : "");
  const ok = rebuild();
  if (ok && steps > 0) {
    Lab.target = steps;
    start();
  } else document.body.dataset.ready = "1";
}

async function main() {
  try {
    await Engine.load();
  } catch (e) {
    showMessage("The engine did not load: " + e.message);
    return;
  }
  wire();
  restore(location.hash);
}

window.addEventListener("error", (ev) => showMessage("Unexpected error: " + ev.message));
main();

// The lab's training step in node against tapegrad's native one, as CPU time (docs/lab.md, "How
// fast it is"); not in CTest:
//   node tests/lab/step_time.mjs LAB_DIR TAPEGRAD [ROUNDS]
// LAB_DIR: scripts/lab.sh's folder (build/lab); TAPEGRAD: the native program. A full-batch step
// of a [2,8,8,2] network (the moons' tanh, softmax, log-likelihood) on 200 points, with the loss
// over the set after it. WebAssembly: 3000 calls of lab_train(1), process.cpuUsage. Native:
// `tapegrad train` for 4000 epochs minus for 1000, divided by 3000 (the start-up cancels), with
// a test set of 2 points (train evaluates it every epoch; the lab has none). The two alternate,
// ROUNDS (default 5) times; the medians are printed.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const [labDir, tapegrad, roundsArg = "5"] = process.argv.slice(2);
if (!labDir || !tapegrad) {
  console.log("usage: node tests/lab/step_time.mjs LAB_DIR TAPEGRAD [ROUNDS]");
  process.exit(2);
}
const createTapegradLab = createRequire(import.meta.url)(resolve(labDir, "tapegrad_lab.js"));
const M = await createTapegradLab();
const fns = { lab_new: M.cwrap("lab_new", "string", ["string"]), lab_train: M.cwrap("lab_train", "string", ["number"]) };
const call = (name, arg) => {
  const reply = JSON.parse(fns[name](arg));
  if (reply && reply.error !== undefined) throw new Error(`${name}: ${reply.error}`);
  return reply;
};
call("lab_new", JSON.stringify({ data: "moons", train_size: 200, hidden: [8, 8], batch: 0 }));
call("lab_train", 500);  // warm up: V8 compiles the hot functions again, optimised

function wasmStep(steps = 3000) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < steps; ++i) call("lab_train", 1);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000 / steps;
}

// The CPU time of one `tapegrad train` run in ms, from the shell's `times` (its children's).
function nativeRun(epochs) {
  const args = ["--data", "moons", "--train-size", "200", "--test-size", "2", "--sizes", "2,8,8,2",
                "--batch-size", "0"];
  const out = execFileSync("bash", ["-c", '"$@" > /dev/null; times', "bash", tapegrad, "train", ...args,
                                    "--epochs", String(epochs)], { encoding: "utf8" });
  const [user, system] = out.trim().split("\n")[1].split(/\s+/).map((t) => {
    const [, min, s] = t.match(/(\d+)m([\d.]+)s/);
    return Number(min) * 60000 + Number(s) * 1000;
  });
  return user + system;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wasm = [], native = [];
for (let r = 0; r < Number(roundsArg); ++r) {
  native.push((nativeRun(4000) - nativeRun(1000)) / 3000);
  wasm.push(wasmStep());
}
const [w, n] = [median(wasm), median(native)];
console.log(`native:       ${n.toFixed(4)} ms per step (${native.map((x) => x.toFixed(4)).join(" ")})`);
console.log(`WebAssembly:  ${w.toFixed(4)} ms per step (${wasm.map((x) => x.toFixed(4)).join(" ")})`);
console.log(`ratio:        ${(w / n).toFixed(1)}×`);

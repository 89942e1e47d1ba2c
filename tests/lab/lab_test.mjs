// The lab (docs/lab.md) in headless chromium, one check per CTest test:
//   node lab_test.mjs CHECK LAB_DIR [TAPEGRAD] [SCREENSHOT_DIR]
// CHECK: offline, training, explain, backward, url, bad-input, screenshots (see each below);
// speed (not in CTest) prints the time of a training step in the page.
// Exit 0: passed; 1: failed, with what differed; 77: skipped (no lab build: no emscripten).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Browser } from "./cdp.mjs";

const [check, labDir, tapegrad, shotDir] = process.argv.slice(2);
const index = resolve(labDir || "", "index.html");
if (!existsSync(index)) {
  console.log(`SKIP: no lab in ${labDir} (scripts/lab.sh builds it; it needs Debian's emscripten)`);
  process.exit(77);
}
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.log(`SKIP: ${chromium} is missing (Debian's chromium package; scripts/install-deps.sh installs it)`);
  process.exit(77);
}
const pageUrl = (hash = "") => pathToFileURL(index).href + hash;

function fail(message) {
  throw new Error(message);
}

// A page on the lab at this fragment, once it has built its network.
async function openLab(browser, hash) {
  const page = await browser.open(pageUrl(hash));
  await page.waitFor("document.body && document.body.dataset.ready === '1'", 30000, "the lab to start");
  return page;
}

const status = (page) => page.eval("({text: document.getElementById('status').textContent, " +
  "accuracy: document.getElementById('status').dataset.accuracy, message: document.getElementById('message').hidden ? '' : document.getElementById('message').textContent})");
const rows = (page) => page.eval("[...document.querySelectorAll('#rows tr.row')].map(tr => ({line: tr.dataset.line, engine: tr.dataset.engine}))");
const steps = (page) => page.eval("[...document.querySelectorAll('#back-steps li')].map(li => li.firstChild.textContent)");

// `tapegrad explain ARGS`: its rows (line, engine value) and its backward steps.
function explainRows(args) {
  const text = execFileSync(tapegrad, ["explain", ...args], { encoding: "utf8" });
  const rowsOut = [], stepsOut = [];
  let inSteps = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("the engine's backward pass")) { inSteps = true; continue; }
    const step = /^\s+(\d+)\s\s(.*)$/.exec(line);
    if (inSteps && step) { stepsOut.push(step[2].trim()); continue; }
    if (!line.startsWith("  ") || /^\s*(\(BP3\)|x = )/.test(line)) continue;
    const [eq, engine] = line.split("   autodiff ");
    rowsOut.push({ line: eq.trim(), engine: engine ? engine.trim().split(/\s+/)[0] : "" });
  }
  return { rows: rowsOut, steps: stepsOut };
}

function sameRows(page, program, what) {
  if (page.length !== program.length) fail(`${what}: the page shows ${page.length} rows, tapegrad explain ${program.length}`);
  page.forEach((r, i) => {
    if (r.line !== program[i].line || r.engine !== program[i].engine)
      fail(`${what}, row ${i + 1}:\n  page:     ${r.line} | ${r.engine}\n  tapegrad: ${program[i].line} | ${program[i].engine}`);
  });
}

const checks = {
  // The page loads from file:// and every request it makes stays on this machine.
  async offline(browser) {
    const page = await openLab(browser, "");
    const away = page.requests.filter((u) => !/^(file|data|blob):/.test(u));
    if (away.length) fail(`requests leaving the machine: ${away.join(", ")}`);
    if (page.requests.length < 7) fail(`expected the page and its 6 scripts and style sheet, saw ${page.requests.join(", ")}`);
    const s = await status(page);
    if (!/\[2,2,1\]/.test(s.text) || s.message) fail(`the default page: status "${s.text}", message "${s.message}"`);
    console.log(`ok: ${page.requests.length} requests, all local; ${s.text}`);
  },

  // xor and the moons reach 100% training accuracy when started in the page.
  async training(browser) {
    for (const hash of ["#data=xor", "#data=moons&train_size=200&hidden=8,8&seed=2"]) {
      const page = await openLab(browser, hash);
      await page.eval("document.getElementById('run').click()");
      const t0 = Date.now();
      await page.waitFor("document.getElementById('status').dataset.accuracy === '1'", 60000, `100% training accuracy on ${hash}`);
      await page.eval("document.getElementById('run').click()");
      const s = await status(page);
      console.log(`ok: ${hash}: 100% in ${Date.now() - t0} ms: ${s.text}`);
    }
  },

  // BP1–BP4 rows in the page equal tapegrad explain's, to the printed digits.
  async explain(browser) {
    const cases = [["#preset=seed002", ["--worked-example"]],
                   ["#data=moons&hidden=3&seed=7&example=2", ["--data", "moons", "--sizes", "2,3,2", "--seed", "7", "--example", "2"]]];
    for (const [hash, args] of cases) {
      const page = await openLab(browser, hash);
      const program = explainRows(args);
      sameRows(await rows(page), program.rows, hash);
      console.log(`ok: ${hash}: ${program.rows.length} rows equal tapegrad explain ${args.join(" ")}`);
    }
  },

  // Stepping the backward pass visits the nodes in the engine's order, and each gradient shows
  // once its step has run.
  async backward(browser) {
    const page = await openLab(browser, "#preset=seed002");
    const program = explainRows(["--worked-example"]);
    const list = await steps(page);
    if (JSON.stringify(list) !== JSON.stringify(program.steps))
      fail(`the page's steps ${JSON.stringify(list)}\n differ from tapegrad explain's ${JSON.stringify(program.steps)}`);
    await page.eval("document.getElementById('back-first').click()");
    for (let k = 1; k <= list.length; ++k) {
      await page.eval("document.getElementById('back-next').click()");
      const seen = await page.eval("({current: document.querySelector('#back-steps li.current')?.firstChild.textContent, " +
        "shown: [...document.querySelectorAll('#rows tr.backward')].filter(tr => !tr.classList.contains('pending')).length, " +
        "rows: [...document.querySelectorAll('#rows tr.backward')].map(tr => tr.children[3].textContent)})");
      if (seen.current !== list[k - 1]) fail(`after ${k} clicks the current step is "${seen.current}", expected "${list[k - 1]}"`);
      const due = seen.rows.filter((t) => t !== "" && Number(t.split(" ")[0]) <= k).length;
      if (seen.shown !== due) fail(`after step ${k}: ${seen.shown} backward rows show their value, expected ${due}`);
    }
    console.log(`ok: ${list.length} steps in the engine's order: ${list.join(" | ")}`);
  },

  // An address restores the same state: the settings, the trained weights, the example.
  async url(browser) {
    const first = await openLab(browser, "#data=moons&train_size=200&hidden=4&seed=3");
    await first.eval("document.getElementById('eta').value = '0.3'; document.getElementById('eta').dispatchEvent(new Event('change'))");
    for (let i = 0; i < 37; ++i) await first.eval("document.getElementById('step').click()");
    await first.eval("document.getElementById('example').value = '5'; document.getElementById('example').dispatchEvent(new Event('change'))");
    await first.eval("document.getElementById('back-prev').click()");
    const hash = await first.eval("location.hash");
    const snapshot = (p) => p.eval("JSON.stringify({status: document.getElementById('status').textContent, " +
      "weights: Engine.weights(), rows: [...document.querySelectorAll('#rows tr.row')].map(tr => tr.dataset.line + tr.dataset.engine + tr.className), " +
      "current: document.querySelector('#back-steps li.current')?.textContent, eta: document.getElementById('eta').value})");
    const before = await snapshot(first);
    const second = await openLab(browser, hash);
    const after = await snapshot(second);
    if (!/steps=37/.test(hash) || !/eta=0.3/.test(hash)) fail(`the address ${hash} does not hold the steps and η`);
    if (before !== after) fail(`${hash} restored another state:\n${before.slice(0, 400)}\n${after.slice(0, 400)}`);
    console.log(`ok: ${hash} restores the same status, weights, rows and backward step`);
  },

  // Bad settings and addresses give a visible message and leave the page working; a diverging
  // run stops and names the op.
  async "bad-input"(browser) {
    const cases = [["#data=moons&hidden=0", /hidden layer 1 has 0 neurons/], ["#data=moons&hidden=500", /hidden layer 1 has 500 neurons/],
                   ["#eta=NaN", /η must be a finite number > 0/], ["#data=moons&%zz=1&steps=ten", /not valid percent-encoding.*steps="ten"/],
                   ["#data=nosuch", /unknown data set 'nosuch'/],
                   ["#data=moons&train_size=999999999", /999999999 training points: the lab trains on at most 5000/]];
    for (const [hash, expected] of cases) {
      const page = await openLab(browser, hash);
      const s = await status(page);
      if (!expected.test(s.message)) fail(`${hash}: the message is "${s.message}", expected ${expected}`);
      await page.eval("document.getElementById('preset').click()");  // still alive: a new network works
      const after = await status(page);
      if (after.message || !/\[2,2,1\]/.test(after.text)) fail(`${hash}: the page did not recover: ${JSON.stringify(after)}`);
      console.log(`ok: ${hash}: "${s.message}"`);
    }
    const page = await openLab(browser, "#data=moons&activation=relu&eta=1e300&train_size=100");
    await page.eval("document.getElementById('run').click()");
    const message = await page.waitFor("!document.getElementById('message').hidden && document.getElementById('message').textContent", 30000, "the divergence message");
    if (!/training diverged in epoch \d+, (step \d+|evaluating the loss after step \d+): detect_anomaly: '\w+' produced/.test(message)) fail(`divergence: "${message}"`);
    if (await page.eval("Lab.running")) fail("training went on after diverging");
    console.log(`ok: divergence: "${message}"`);
  },

  // Not in CTest (a timing): a full-batch step of [2,8,8,2] on 200 points of the moons, and the
  // loss after it, in the page, as `tapegrad train --batch-size 0` takes one per epoch.
  async speed(browser) {
    const page = await openLab(browser, "#data=moons&train_size=200&hidden=8,8&batch=0");
    // Rounds of 1000 steps: Chromium compiles the hot functions again, optimised, in the
    // background, and the first rounds still run the quickly compiled code.
    const rounds = await page.eval(`(() => {
      const ms = [];
      for (let r = 0; r < 10; ++r) {
        const n = 1000, t0 = performance.now();
        for (let i = 0; i < n; ++i) Engine.train(1);
        ms.push((performance.now() - t0) / n);
      }
      return ms; })()`);
    const last = rounds.slice(7).sort((a, b) => a - b)[1];
    console.log(`ok: ${last.toFixed(4)} ms per step (and the loss after it) in the page, the median of the last`
                + ` 3 rounds of 1000 (every round: ${rounds.map((x) => x.toFixed(3)).join(" ")})`);
  },

  // Screenshots of the main views, for docs/lab.md.
  async screenshots(browser) {
    mkdirSync(shotDir, { recursive: true });
    const trained = await openLab(browser, "#data=moons&train_size=200&hidden=8,8&seed=2&steps=900&example=7");
    await trained.screenshot(join(shotDir, "lab-moons.png"));
    const seed = await openLab(browser, "#preset=seed002&back=10");
    await seed.eval("document.querySelector('#network canvas.neuron[data-layer=\"2\"][data-neuron=\"1\"]').click()");
    await seed.eval("document.getElementById('explain-view').scrollIntoView()");
    await seed.screenshot(join(shotDir, "lab-seed002.png"));
    console.log(`ok: screenshots in ${shotDir}`);
  },
};

if (!checks[check]) {
  console.log(`unknown check "${check}": ${Object.keys(checks).join(", ")}`);
  process.exit(2);
}
const browser = await Browser.launch(chromium);
try {
  await checks[check](browser);
} catch (e) {
  console.log(`FAIL: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}

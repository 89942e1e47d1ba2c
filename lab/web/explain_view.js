// explain's rows for one example (nn/explain.hpp: the forward pass, the cost, then BP1–BP4 with
// the numbers plugged in, beside the engine's value), and the engine's backward pass stepped
// node by node in the order it ran (autodiff/backward_trace.hpp). A backward row's engine value
// appears once the step that produced it has run.
"use strict";

const ExplainView = (() => {
  // "C = mul ()": the step as format_steps writes it (lab/api.cpp), without its number.
  const stepText = (s) => s.text;

  // δ^l = ∂C/∂z^l is the gradient z^l receives: said beside the node.
  function stepNote(s) {
    const z = /^z\^(\d+)$/.exec(s.label);
    if (z) return `gradient δ^${z[1]} = ∂C/∂z^${z[1]}`;
    const p = /^(W|b)\^(\d+)$/.exec(s.label);
    if (p) return `gradient ∂C/∂${p[1]}^${p[2]} (${p[1] === "W" ? "BP4" : "BP3"})`;
    return "";
  }

  // Fills the table and the list. back: how many backward steps have run (0..steps).
  function render(e, back, selected) {
    const body = document.querySelector("#rows tbody");
    body.replaceChildren();
    let part = "";
    for (const r of e.rows) {
      if (r.part !== part) {
        part = r.part;
        const head = document.createElement("tr");
        head.className = "part";
        head.innerHTML = `<td colspan="4">${part === "forward" ? "forward pass" : part === "cost" ? "cost of this one example" : "backward: BP1–BP4"}</td>`;
        body.appendChild(head);
      }
      const tr = document.createElement("tr");
      tr.className = "row " + r.part;
      if (selected && r.layer === selected.l && r.j === selected.j) tr.classList.add("selected");
      const pending = r.step !== undefined && r.step > back;
      if (pending) tr.classList.add("pending");
      const cells = [
        r.equation.startsWith("BP") ? r.equation : "",
        r.part === "backward" && r.equation.startsWith("BP") ? r.line.replace(/^BP\d\s+/, "") : r.line,
        r.engine === undefined ? "" : pending ? "…" : r.engine,
        r.step === undefined ? "" : `${r.step} (${r.engine_node})`,
      ];
      cells.forEach((text, i) => {
        const td = document.createElement("td");
        td.textContent = text;
        if (i === 1) td.className = "line";
        tr.appendChild(td);
      });
      tr.dataset.line = r.line;
      tr.dataset.engine = r.engine ?? "";
      body.appendChild(tr);
    }
    const list = document.getElementById("back-steps");
    list.replaceChildren();
    for (const s of e.backward) {
      const li = document.createElement("li");
      li.value = s.step;
      li.dataset.step = s.step;
      li.dataset.label = s.label;
      li.dataset.op = s.op;
      li.textContent = stepText(s);
      const note = stepNote(s);
      if (note) {
        const small = document.createElement("small");
        small.textContent = "  " + note;
        li.appendChild(small);
      }
      li.className = s.step < back ? "done" : s.step === back ? "done current" : "todo";
      list.appendChild(li);
    }
    const n = e.backward.length;
    document.getElementById("back-status").textContent =
      back === 0 ? `${n} nodes; step through them in the order the engine processed them (each after every node that consumed it)`
                 : `step ${back} of ${n}: ${stepText(e.backward[back - 1])}`;
  }

  return { render, stepText };
})();

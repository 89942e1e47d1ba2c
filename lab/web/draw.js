// Drawing: heatmaps of a neuron's output over the plane, the network with its weights, the
// decision boundary behind the points, and the training curves. Plain canvas and SVG.
"use strict";

const Draw = (() => {
  const orange = [245, 147, 34], blue = [8, 119, 189], green = [60, 160, 60];
  const classColours = [orange, blue, green, [150, 80, 180], [200, 60, 60]];
  const pointColours = [[200, 95, 0], [0, 75, 140], [30, 110, 30], [110, 50, 140], [150, 30, 30]];  // darker, on the heatmap

  // t in [−1, 1] → orange (−1), white (0), blue (+1), as TensorFlow Playground colours them.
  function diverging(t) {
    const c = t < 0 ? orange : blue, s = Math.min(1, Math.abs(t));
    return [255 + (c[0] - 255) * s, 255 + (c[1] - 255) * s, 255 + (c[2] - 255) * s];
  }

  // A neuron's values mapped to [−1, 1]: σ and softmax from (0, 1), the others by their largest |v|.
  function scaler(activation, values, offset, count) {
    if (activation === "sigmoid" || activation === "softmax") return (v) => 2 * v - 1;
    let top = 1e-12;
    for (let i = 0; i < count; ++i) top = Math.max(top, Math.abs(values[offset + i]));
    return activation === "tanh" ? (v) => v : (v) => v / top;
  }

  // values[offset + r n + c] on an n×n canvas grid, stretched to the canvas.
  function heatmap(canvas, values, offset, n, scale) {
    const off = document.createElement("canvas");
    off.width = off.height = n;
    const ctx = off.getContext("2d"), img = ctx.createImageData(n, n);
    for (let i = 0; i < n * n; ++i) {
      const [r, g, b] = diverging(scale(values[offset + i]));
      img.data.set([r, g, b, 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
    const c = canvas.getContext("2d");
    c.imageSmoothingEnabled = true;
    c.drawImage(off, 0, 0, canvas.width, canvas.height);
  }

  // The network: one column per layer, one small heatmap per neuron, lines for the weights
  // (colour: sign, width: |w|). onPick(l, j) when a neuron is clicked.
  function network(container, net, weights, grid, n, selected, onPick) {
    const sizes = net.sizes, L = sizes.length, cell = 44, gapX = 110, gapY = 14;
    const tallest = Math.max(...sizes), height = tallest * (cell + gapY) + 20, width = (L - 1) * gapX + cell + 40;
    const pos = (l, j) => [20 + (l - 1) * gapX, 10 + (tallest - sizes[l - 1]) * (cell + gapY) / 2 + (j - 1) * (cell + gapY)];
    container.replaceChildren();
    container.style.width = width + "px";
    container.style.height = height + "px";
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    let top = 1e-12;
    for (const layer of weights) for (const row of layer.W) for (const w of row) top = Math.max(top, Math.abs(w ?? 0));
    weights.forEach((layer, i) => {
      const l = i + 2;
      layer.W.forEach((row, j) => row.forEach((w, k) => {
        const [x1, y1] = pos(l - 1, k + 1), [x2, y2] = pos(l, j + 1);
        const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
        const mx = (x1 + cell + x2) / 2;
        line.setAttribute("d", `M${x1 + cell},${y1 + cell / 2} C${mx},${y1 + cell / 2} ${mx},${y2 + cell / 2} ${x2},${y2 + cell / 2}`);
        line.setAttribute("fill", "none");
        line.setAttribute("stroke", `rgb(${(w ?? 0) < 0 ? orange : blue})`);
        line.setAttribute("stroke-width", w === null ? 1 : 0.5 + 5 * Math.abs(w) / top);
        line.setAttribute("class", "weight");
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        title.textContent = `w^${l}_${j + 1}${k + 1} = ${w}`;
        line.appendChild(title);
        svg.appendChild(line);
      }));
    });
    container.appendChild(svg);
    let offset = 0;
    for (let l = 1; l <= L; ++l) {
      const activation = l === 1 ? "identity" : l === L ? net.output : net.hidden;
      for (let j = 1; j <= sizes[l - 1]; ++j, offset += n * n) {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = cell;
        canvas.className = "neuron" + (selected && selected.l === l && selected.j === j ? " selected" : "");
        canvas.dataset.layer = l;
        canvas.dataset.neuron = j;
        canvas.title = l === 1 ? `a^1_${j} = x_${j}` : `a^${l}_${j} = ${activation}(z^${l}_${j}): click for its equations`;
        const [x, y] = pos(l, j);
        canvas.style.left = x + "px";
        canvas.style.top = y + "px";
        heatmap(canvas, grid, offset, n, scaler(activation, grid, offset, n * n));
        canvas.addEventListener("click", () => onPick(l, j));
        container.appendChild(canvas);
      }
    }
  }

  // The output over the plane (two classes: the probability of class 1 from orange to blue;
  // more: each class's colour, as strong as its probability), then the training points.
  function boundary(canvas, net, grid, n, data, bounds, selected) {
    const sizes = net.sizes, outputs = sizes[sizes.length - 1];
    let offset = 0;
    for (let l = 0; l < sizes.length - 1; ++l) offset += sizes[l] * n * n;
    const off = document.createElement("canvas");
    off.width = off.height = n;
    const ctx = off.getContext("2d"), img = ctx.createImageData(n, n);
    for (let i = 0; i < n * n; ++i) {
      let rgb;
      if (outputs === 1) rgb = diverging(2 * grid[offset + i] - 1);
      else if (outputs === 2) rgb = diverging(2 * grid[offset + n * n + i] - 1);
      else {
        let best = 0;
        for (let k = 1; k < outputs; ++k) if (grid[offset + k * n * n + i] > grid[offset + best * n * n + i]) best = k;
        const p = grid[offset + best * n * n + i], c = classColours[best % classColours.length], s = 0.7 * p;
        rgb = [255 + (c[0] - 255) * s, 255 + (c[1] - 255) * s, 255 + (c[2] - 255) * s];
      }
      img.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
    const c = canvas.getContext("2d");
    c.drawImage(off, 0, 0, canvas.width, canvas.height);
    const { x0, x1, y0, y1 } = bounds;
    data.labels.forEach((label, j) => {
      const px = (data.X[0][j] - x0) / (x1 - x0) * canvas.width, py = (y1 - data.X[1][j]) / (y1 - y0) * canvas.height;
      c.beginPath();
      c.arc(px, py, j === selected ? 6 : 3.2, 0, 2 * Math.PI);
      c.fillStyle = `rgb(${pointColours[label % pointColours.length]})`;
      c.fill();
      c.lineWidth = j === selected ? 2.5 : 1;
      c.strokeStyle = j === selected ? "black" : "white";
      c.stroke();
    });
  }

  // Loss (black, left scale from 0) and accuracy (green, 0..1) against the optimizer step.
  function curves(canvas, history) {
    const c = canvas.getContext("2d"), w = canvas.width, h = canvas.height, pad = 24;
    c.clearRect(0, 0, w, h);
    c.strokeStyle = "#999";
    c.strokeRect(pad, 4, w - pad - 4, h - pad - 4);
    if (history.length === 0) return;
    const last = history[history.length - 1].steps || 1;
    const finite = history.map((p) => p.loss).filter((v) => v !== null && isFinite(v));
    const top = Math.max(1e-9, ...finite);
    const X = (s) => pad + (w - pad - 4) * s / last, Y = (v) => 4 + (h - pad - 8) * (1 - v);
    const line = (colour, value) => {
      c.beginPath();
      history.forEach((p, i) => { const v = value(p); if (v === null) return; i ? c.lineTo(X(p.steps), Y(v)) : c.moveTo(X(p.steps), Y(v)); });
      c.strokeStyle = colour;
      c.lineWidth = 1.5;
      c.stroke();
    };
    line("black", (p) => (p.loss === null ? null : p.loss / top));
    line("green", (p) => p.accuracy);
    c.fillStyle = "#333";
    c.font = "11px sans-serif";
    c.fillText(`C ≤ ${top.toPrecision(3)}`, pad + 4, 16);
    c.fillText(`step ${last}`, w - 60, h - 8);
  }

  return { heatmap, network, boundary, curves, classColours };
})();

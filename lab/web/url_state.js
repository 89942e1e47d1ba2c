// The page's whole state in the address's fragment (#data=moons&hidden=8,8&eta=0.5&steps=300...),
// so that a link restores one exact situation. Parsing never throws: what it cannot read is
// listed in `problems` for the page to show, and left at its default.
"use strict";

const UrlState = (() => {
  // key: [kind, default]. "" means "the data set's default" (or the engine's).
  const fields = {
    preset: ["word", ""], data: ["word", "xor"], train_size: ["count", ""], seed: ["count", "1"],
    hidden: ["sizes", ""], activation: ["word", ""], output: ["word", ""], cost: ["word", ""],
    l2: ["number", ""], optimizer: ["word", "sgd"], eta: ["number", ""], batch: ["count", ""],
    steps: ["count", "0"], example: ["count", ""], digits: ["count", "4"], back: ["count", ""],
  };
  const patterns = {
    word: /^[a-z0-9_]*$/, count: /^[0-9]{0,9}$/, sizes: /^[0-9]{1,9}(,[0-9]{1,9})*$|^$/,
    number: /^$|^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$|^NaN$/,
  };

  function defaults() {
    const s = {};
    for (const [k, [, d]] of Object.entries(fields)) s[k] = d;
    return s;
  }

  // { state, problems: ["…"] } from a fragment such as "#data=moons&steps=10".
  function parse(hash) {
    const state = defaults(), problems = [];
    const text = hash.replace(/^#/, "");
    if (text === "") return { state, problems };
    for (const part of text.split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      let key, value;
      try {
        key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
        value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
      } catch (e) {
        problems.push(`the address part "${part}" is not valid percent-encoding`);
        continue;
      }
      if (!(key in fields)) {
        problems.push(`the address names an unknown setting "${key}" (known: ${Object.keys(fields).join(", ")})`);
        continue;
      }
      if (!patterns[fields[key][0]].test(value)) {
        problems.push(`the address's ${key}="${value}" is not a ${fields[key][0] === "sizes" ? "list of sizes like 8,8" : fields[key][0]}`);
        continue;
      }
      state[key] = value;
    }
    return { state, problems };
  }

  // The fragment for a state: only what differs from the defaults.
  function format(state) {
    const d = defaults(), parts = [];
    for (const k of Object.keys(fields))
      if (state[k] !== undefined && String(state[k]) !== d[k]) parts.push(`${k}=${encodeURIComponent(state[k])}`);
    return parts.length ? "#" + parts.join("&") : "";
  }

  return { parse, format, defaults };
})();

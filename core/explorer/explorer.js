// The transposed-convolution explorer: any setting of conv_transpose1d / conv_transpose2d, computed
// as PyTorch computes it (out[o][j] = bias[o] + sum over c, i, t with j = i*stride - padding + t*dilation
// of x[c][i] * w[c][o][t], per axis), refused where PyTorch refuses it with the message core.conv.check
// gives. `deconv explore` writes this file into one HTML page with DATA (the trained decoder, the
// palette) filled in. No request leaves the page.
"use strict";

const LIMITS = DATA.limits; // sizes beyond these would not be readable: the page says so
const PER_AXIS = ["kernel", "stride", "padding", "output_padding", "dilation", "size"];
const LOW = { size: 1, kernel: 1, stride: 1, dilation: 1, padding: 0, output_padding: 0 };

// ---- arithmetic ------------------------------------------------------------------------------------
function outputLength(n, k, s, p, op, d) {
  return (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
}

function axisName(name, vals, d) {
  return vals.length === 1 ? `${name}=${vals[d]}` : `${name}[${d}]=${vals[d]}`;
}

// core.conv.check, message for message: null when PyTorch accepts the setting, else one line
function check(st) {
  const dims = st.size.length;
  for (let d = 0; d < dims; d++) {
    for (const name of ["size", "kernel", "stride", "dilation", "padding", "output_padding"]) {
      const vals = st[name];
      if (vals[d] < LOW[name]) {
        return `${axisName(name, vals, d)}: ${name} must be at least ${LOW[name]}; use ${name}=${LOW[name]}`;
      }
    }
    const m = Math.max(st.stride[d], st.dilation[d]);
    if (st.output_padding[d] >= m) {
      return `${axisName("output_padding", st.output_padding, d)} must be smaller than stride ` +
        `(${st.stride[d]}) or dilation (${st.dilation[d]}); use output_padding=${m - 1}`;
    }
    const n = outputLength(st.size[d], st.kernel[d], st.stride[d], st.padding[d], st.output_padding[d],
      st.dilation[d]);
    if (n < 1) {
      const top = (a) => Math.floor(((st.size[a] - 1) * st.stride[a] + st.dilation[a] * (st.kernel[a] - 1) +
        st.output_padding[a]) / 2);
      let axis = "", use = String(top(d));
      if (dims > 1) {
        axis = ` on axis ${d}`;
        use = st.padding.map((p, a) => Math.min(p, top(a))).join("x");
      }
      return `output length${axis} (${st.size[d]} - 1)*${st.stride[d]} - 2*${st.padding[d]} + ` +
        `${st.dilation[d]}*(${st.kernel[d]} - 1) + ${st.output_padding[d]} + 1 = ${n} is below 1; ` +
        `use padding=${use} or less`;
    }
  }
  return null;
}

// index helpers for row-major nested shapes: a position is an array of per-axis indices
function positions(shape) {
  const out = [];
  const walk = (prefix, d) => {
    if (d === shape.length) { out.push(prefix); return; }
    for (let i = 0; i < shape[d]; i++) walk(prefix.concat([i]), d + 1);
  };
  walk([], 0);
  return out;
}

function get(arr, pos) { return pos.reduce((a, i) => a[i], arr); }

function fill(shape, f) {
  return shape.length === 0 ? f() : Array.from({ length: shape[0] }, () => fill(shape.slice(1), f));
}

const zeros = (shape) => fill(shape, () => 0);

// where tap t of input position i lands on the output (before any crop), per axis: PyTorch's rule
function landing(i, t, st) {
  return i.map((ii, d) => ii * st.stride[d] - st.padding[d] + t[d] * st.dilation[d]);
}

// The output, and for every output position the terms that made it: [c, input pos, tap pos, product].
// x: [C_in][...L], w: [C_in][C_out][...K], bias: [C_out] or null.
function convTranspose(st, x, w, bias) {
  const dims = st.size.length, cin = x.length, cout = w[0].length;
  const outShape = st.size.map((n, d) => outputLength(n, st.kernel[d], st.stride[d], st.padding[d],
    st.output_padding[d], st.dilation[d]));
  const out = [], terms = [];
  for (let o = 0; o < cout; o++) {
    const y = zeros(outShape), tt = zeros(outShape);
    for (const pos of positions(outShape)) {
      setAt(y, pos, bias ? bias[o] : 0);
      setAt(tt, pos, []);
    }
    for (let c = 0; c < cin; c++) {
      for (const i of positions(st.size)) {
        for (const t of positions(st.kernel)) {
          const j = landing(i, t, st);
          if (j.some((jj, d) => jj < 0 || jj >= outShape[d])) continue;
          const prod = get(x[c], i) * get(w[c][o], t);
          setAt(y, j, get(y, j) + prod);
          get(tt, j).push([c, i, t, prod]);
        }
      }
    }
    out.push(y);
    terms.push(tt);
  }
  return { shape: outShape, out, terms };
}

function setAt(arr, pos, v) {
  let a = arr;
  for (let k = 0; k < pos.length - 1; k++) a = a[pos[k]];
  a[pos[pos.length - 1]] = v;
}

// how many (input position, tap) pairs of one channel reach each output position: the stamp count
function stampCounts(st, shape) {
  const n = zeros(shape);
  for (const i of positions(st.size)) {
    for (const t of positions(st.kernel)) {
      const j = landing(i, t, st);
      if (j.some((jj, d) => jj < 0 || jj >= shape[d])) continue;
      setAt(n, j, get(n, j) + 1);
    }
  }
  return n;
}

// ---- state ---------------------------------------------------------------------------------------
const state = {
  dims: 1, cin: 1, cout: 1, bias: true,
  setting: { kernel: [3], stride: [2], padding: [1], output_padding: [1], dilation: [1], size: [4] },
  x: null, w: null, b: null, view: "stamps",
};

function rng(seed) { // mulberry32: the same integers for the same seed in every browser
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// new values of the right shapes, keeping what the user typed where the shape allows
function reshapeValues() {
  const st = state.setting;
  const keep = (old, shape, dflt) => {
    const rec = (o, sh, idx) => sh.length === 0 ? (typeof o === "number" ? o : dflt(idx)) :
      Array.from({ length: sh[0] }, (_, k) => rec(Array.isArray(o) ? o[k] : undefined, sh.slice(1),
        idx.concat([k])));
    return rec(old, shape, []);
  };
  state.x = keep(state.x, [state.cin, ...st.size], (idx) => idx[idx.length - 1] + 1);
  state.w = keep(state.w, [state.cin, state.cout, ...st.kernel], (idx) => idx[idx.length - 1] + 1);
  state.b = keep(state.b, [state.cout], () => 0);
}

// a preset's numbers on every axis of the page's current 1-D or 2-D setting, the input size kept
function setting(per) {
  const dims = state.dims;
  state.setting = { size: state.setting.size.slice(0, dims) };
  for (const [name, v] of Object.entries(per)) state.setting[name] = Array(dims).fill(v);
  reshapeValues();
}

const START = JSON.stringify(state); // the page as it opens, for the "start" preset

const PRESETS = {
  "start": () => {
    const s0 = JSON.parse(START);
    for (const k of ["dims", "cin", "cout", "bias", "setting"]) state[k] = s0[k];
    state.x = null; state.w = null; state.b = null;
    reshapeValues();
  },
  "article": () => {
    const a = DATA.article;
    state.dims = 1; state.cin = a.weight.length; state.cout = a.weight[0].length; state.bias = true;
    state.setting = { kernel: [a.weight[0][0].length], stride: [a.stride], padding: [0], output_padding: [0],
      dilation: [1], size: [a.input[0].length] };
    state.x = a.input; state.w = a.weight; state.b = a.bias;
  },
  "upsample": () => setting({ kernel: 3, stride: 2, padding: 1, output_padding: 1, dilation: 1 }),
  "even": () => setting({ kernel: 4, stride: 2, padding: 1, output_padding: 0, dilation: 1 }),
  // 2-D: every input 1 and every tap 1, so what the output shows is the stamp count: the checkerboard
  "checkerboard": () => {
    state.dims = 2; state.cin = 1; state.cout = 1; state.bias = false;
    state.x = null; state.w = null;
    state.setting = { size: [4, 4] };
    setting({ kernel: 3, stride: 2, padding: 1, output_padding: 1, dilation: 1 });
    state.x = fill([1, 4, 4], () => 1);
    state.w = fill([1, 1, 3, 3], () => 1);
  },
  "random": (seed) => {
    const r = rng(seed);
    const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
    state.x = fill([state.cin, ...state.setting.size], () => int(-3, 3));
    state.w = fill([state.cin, state.cout, ...state.setting.kernel], () => int(-2, 2));
    state.b = fill([state.cout], () => int(-2, 2));
  },
};

// the menu back to "choose…": something was changed by hand
function forgetPreset() {
  $("preset").value = "";
  presetAbout();
}

// what each preset sets, said under the menu while it is the one shown
function presetAbout() {
  const about = {
    start: "1-D, input 1 2 3 4, kernel 1 2 3, stride 2, padding 1, output_padding 1",
    article: `its real weights (${DATA.article.about}): ${DATA.article.weight.length} code channels in, ` +
      `${DATA.article.weight[0].length} out, kernel ` +
      `${DATA.article.weight[0][0].length}, stride ${DATA.article.stride}`,
    upsample: "kernel 3, stride 2, padding 1, output_padding 1, on the axes set: the output twice the " +
      "input's size",
    even: "kernel 4, stride 2, padding 1, on the axes set: every sample inside gets 2 stamps",
    checkerboard: "inputs and taps all 1, kernel 3, stride 2, padding 1, output_padding 1: the output is " +
      "the number of stamps on each pixel",
  };
  $("preset-about").textContent = about[$("preset").value] || "";
}

// ---- reading the controls ------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);

// "3" or "3, 2" (2-D: rows, columns): per-axis whole numbers, or a message for beside the field
function readAxis(name, text, dims) {
  const parts = text.trim().split(/[\s,x]+/).filter((p) => p !== "");
  if (parts.length === 0) return { error: `${name}: empty; type a whole number` };
  if (!parts.every((p) => /^-?\d+$/.test(p))) {
    return { error: `${name}: "${text.trim()}" is not a whole number` };
  }
  let vals = parts.map(Number);
  if (vals.length === 1) vals = Array(dims).fill(vals[0]);
  if (vals.length !== dims) {
    return { error: `${name}: ${vals.length} values for ${dims}-D; give one number or ${dims}` };
  }
  const cap = LIMITS[name];
  if (vals.some((v) => v > cap)) {
    return { error: `${name}: at most ${cap} here, so the drawing stays readable` };
  }
  return { vals };
}

function readControls() {
  const errors = {};
  const dims = $("dims-2").checked ? 2 : 1;
  const st = {};
  for (const name of PER_AXIS) {
    const got = readAxis(name, $(`f-${name}`).value, dims);
    if (got.error) errors[name] = got.error; else st[name] = got.vals;
  }
  for (const [key, id] of [["cin", "f-cin"], ["cout", "f-cout"]]) {
    const v = $(id).value.trim();
    if (!/^\d+$/.test(v) || +v < 1 || +v > LIMITS.channels) {
      errors[key] = `${key === "cin" ? "input" : "output"} channels: a whole number from 1 to ${LIMITS.channels}`;
    }
  }
  for (const key of ["cin", "cout", ...PER_AXIS]) {
    const el = document.querySelector(`[data-error="${key}"]`);
    if (el) el.textContent = errors[key] || "";
  }
  if (Object.keys(errors).length) return false;
  state.dims = dims;
  state.cin = +$("f-cin").value; state.cout = +$("f-cout").value; state.bias = $("f-bias").checked;
  state.setting = st;
  reshapeValues();
  return true;
}

function writeControls() {
  $(state.dims === 2 ? "dims-2" : "dims-1").checked = true;
  for (const name of PER_AXIS) {
    const v = state.setting[name];
    $(`f-${name}`).value = v.every((a) => a === v[0]) ? String(v[0]) : v.join(", ");
  }
  $("f-cin").value = state.cin; $("f-cout").value = state.cout; $("f-bias").checked = state.bias;
}

// ---- drawing ---------------------------------------------------------------------------------------
function fmt(v) {
  if (Number.isInteger(v)) return String(v);
  const s = v.toFixed(3);
  return s.replace(/\.?0+$/, "") === "-0" ? "0" : s.replace(/0+$/, "").replace(/\.$/, "");
}

// a factor in a written-out sum: a negative one in brackets, so "2·(−3)" never reads as a subtraction
const factor = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k.startsWith("data-") || k.startsWith("aria-")) e.setAttribute(k, v);
    else if (k === "text") e.textContent = v; else e[k] = v;
  }
  for (const k of kids) e.append(k);
  return e;
}

// a table of cells for a 1-D row or a 2-D grid; editable cells write back into `arr` at `prefix`
// a 2-D grid has its row and column numbers around it, unless `heads: false`
function grid(values, opts) {
  const two = Array.isArray(values[0]);
  const rows = two ? values : [values];
  const t = el("table", { class: `grid ${two ? "g2 " : ""}${opts.cls || ""}` });
  const heads = two && opts.heads !== false;
  if (heads) {
    const hr = el("tr", { class: "idx" });
    hr.append(el("th", { class: "idx" }));
    rows[0].forEach((_, c) => hr.append(el("th", { class: "idx", text: String(c) })));
    t.append(hr);
  }
  rows.forEach((row, r) => {
    const tr = el("tr");
    if (heads) tr.append(el("th", { class: "idx", text: String(r) }));
    row.forEach((v, c) => {
      const pos = Array.isArray(values[0]) ? [r, c] : [c];
      const td = el("td", { "data-pos": pos.join(",") });
      if (opts.edit) {
        const inp = el("input", { value: fmt(v), "aria-label": `${opts.name} ${pos.join(", ")}` });
        inp.addEventListener("change", () => {
          const n = Number(inp.value);
          const msg = $("values-error");
          if (inp.value.trim() === "" || !Number.isFinite(n)) {
            msg.textContent = `${opts.name} ${pos.join(", ")}: "${inp.value}" is not a number`;
            inp.classList.add("bad");
            return;
          }
          inp.classList.remove("bad");
          msg.textContent = "";
          forgetPreset(); // the values are the user's now, not the preset's
          opts.edit(pos, n);
          render();
        });
        td.append(inp);
      } else {
        td.textContent = fmt(v);
        if (opts.tag) opts.tag(td, pos, v);
      }
      tr.append(td);
    });
    t.append(tr);
  });
  return t;
}

function setIn(arr, prefix, pos, v) { setAt(arr, prefix.concat(pos), v); }

function tensorText(a) {
  return Array.isArray(a) ? "[" + a.map(tensorText).join(", ") + "]" : String(a);
}

function pytorchText(st) {
  const fn = `conv_transpose${state.dims}d`;
  const one = (v) => (v.every((a) => a === v[0]) ? String(v[0]) : `(${v.join(", ")})`);
  const opts = ["stride", "padding", "output_padding", "dilation"].map((n) => `${n}=${one(st[n])}`).join(", ");
  const lines = [
    "import torch",
    "import torch.nn.functional as F",
    `x = torch.tensor([${tensorText(state.x)}], dtype=torch.float64)  # (N=1, C_in, ${state.dims === 1 ?
      "L" : "H, W"})`,
    `w = torch.tensor(${tensorText(state.w)}, dtype=torch.float64)  # (C_in, C_out, ${state.dims === 1 ?
      "kernel" : "kH, kW"})`,
    state.bias ? `b = torch.tensor(${tensorText(state.b)}, dtype=torch.float64)` : "b = None",
    `y = F.${fn}(x, w, b, ${opts})`,
  ];
  const ax = (n) => (st[n].every((a) => a === st[n][0]) ? String(st[n][0]) : st[n].join("x"));
  const explain = ["kernel", "stride", "padding", "output_padding", "dilation"]
    .map((n) => `--${n.replace("_", "-")} ${ax(n)}`).join(" ");
  lines.push("", "# the same setting worked through in a terminal, with this project's command-line tool:",
    `# deconv explain ${explain} --size ${ax("size")}`);
  return lines.join("\n");
}

function render() {
  const st = state.setting;
  // a refusal said beside a field last time goes (render runs only once every field reads)
  for (const name of PER_AXIS) document.querySelector(`[data-error="${name}"]`).textContent = "";
  const refused = check(st);
  const out = $("output"), views = $("views");
  out.replaceChildren();
  views.replaceChildren();
  $("counts").replaceChildren();
  $("tabs").hidden = true;
  const axisWord = st.size.length > 1 ? ["rows: ", "columns: "] : [""];
  $("formula").textContent = "length out = (size − 1)·stride − 2·padding + dilation·(kernel − 1) + " +
    "output_padding + 1\n" + st.size.map((n, d) => {
      const v = outputLength(n, st.kernel[d], st.stride[d], st.padding[d], st.output_padding[d], st.dilation[d]);
      return `${axisWord[d]}(${n} − 1)·${st.stride[d]} − 2·${st.padding[d]} + ` +
        `${st.dilation[d]}·(${st.kernel[d]} − 1) + ${st.output_padding[d]} + 1 = ${v}`;
    }).join("\n");
  $("why").textContent = "hover or focus an output cell"; // nothing said about an output that has gone
  $("why-key").textContent = "";
  delete $("why").dataset.terms;
  drawValues();
  if (refused) {
    $("formula").textContent = $("formula").textContent.split("\n")[0] + "\n(no output: PyTorch refuses " +
      "this setting, see below)";
    $("why").textContent = "";
    out.append(el("p", { class: "refused", id: "refused", text: refused }));
    // and beside the field it names (a length below 1 is padding's to fix), where the eye is
    const named = refused.match(/^([a-z_]+)(\[\d\])?=/);
    const field = named && PER_AXIS.includes(named[1]) ? named[1] : "padding";
    document.querySelector(`[data-error="${field}"]`).textContent = "PyTorch refuses this: " + refused;
    $("pytorch").value = "";
    document.body.dataset.result = "";
    toHash(); // a refused setting is a setting too: its link shows the refusal
    return;
  }
  const res = convTranspose(st, state.x, state.w, state.bias ? state.b : null);
  state.result = res;
  state.zeroAt = null; // a new output: the sliding kernel starts at its first sample
  res.out.forEach((y, o) => {
    out.append(el("h3", { text: `output channel ${o}` }), grid(y, {
      cls: "out", tag: (td, pos) => {
        td.tabIndex = 0;
        td.dataset.o = o;
        const show = () => explainCell(o, pos, td);
        td.addEventListener("mouseenter", show);
        td.addEventListener("focus", show);
      },
    }));
  });
  redrawViews(res);
  $("pytorch").value = pytorchText(st);
  document.body.dataset.result = JSON.stringify(res.out); // read back by the tests, exactly
  toHash();
}

function drawValues() {
  const vx = $("inputs"), vw = $("kernels"), vb = $("biases");
  vx.replaceChildren(); vw.replaceChildren(); vb.replaceChildren();
  state.x.forEach((xc, c) => {
    const g = grid(xc, { name: `x[${c}]`, cls: "in", edit: (pos, v) => setIn(state.x, [c], pos, v) });
    g.querySelectorAll("td").forEach((td) => {
      const pick = () => pickInput(c, td.dataset.pos.split(",").map(Number));
      td.addEventListener("mouseenter", pick);
      td.addEventListener("focusin", pick); // typing in a cell shows its stamp too, by keyboard
    });
    vx.append(el("h3", { text: `input channel ${c}` }), g);
  });
  state.w.forEach((wc, c) => wc.forEach((k, o) => vw.append(el("h3", {
    text: `kernel w[${c}][${o}]: input channel ${c} → output channel ${o}` }),
    grid(k, { name: `w[${c}][${o}]`, cls: "kern", edit: (pos, v) => setIn(state.w, [c, o], pos, v) }))));
  if (state.bias) {
    vb.append(el("h3", { text: "bias, one per output channel" }),
      grid(state.b, { name: "bias", cls: "bias", edit: (pos, v) => setIn(state.b, [], pos, v) }));
  }
}

// hover or focus an input cell: its stamp (its row in 1-D, the one 2-D stamp) and its column of Cᵀ
function pickInput(c, pos) {
  if (!state.result || !document.body.dataset.result) return;
  const st = state.setting;
  const view = document.querySelector(".stamp2d");
  if (view) {
    state.stampAt = [c, ...pos];
    view.replaceWith(stamp2d(state.result));
  }
  document.querySelectorAll(".stamp.picked").forEach((e) => e.classList.remove("picked"));
  const row = document.querySelector(`.stamp[data-c="${c}"][data-i="${pos.join(",")}"]`);
  if (row) row.classList.add("picked");
  const flat = pos.reduce((a, p, d) => a * st.size[d] + p, 0);
  columnOf(c * st.size.reduce((a, n) => a * n, 1) + flat);
}

// light one column of Cᵀ: one input value's stamp
function columnOf(col) {
  const t = document.querySelector(".matrixtable");
  if (!t) return;
  t.querySelectorAll(".col").forEach((e) => e.classList.remove("col"));
  t.querySelectorAll(`[data-col="${col}"]`).forEach((e) => e.classList.add("col"));
}

// hover or focus an output cell: the input cells, taps and products that made it, and its sum
function explainCell(o, pos, td) {
  // the zero-insertion window's cells are that view's own: it redraws them when the window moves
  document.querySelectorAll(".lit").forEach((e) => { if (!e.closest(".zerotable")) e.classList.remove("lit"); });
  td.classList.add("lit");
  const terms = get(state.result.terms[o], pos);
  for (const [c, i, t] of terms) {
    document.querySelectorAll(".in")[c].querySelector(`[data-pos="${i.join(",")}"]`).classList.add("lit");
    const kern = document.querySelectorAll(".kern")[c * state.cout + o];
    kern.querySelector(`[data-pos="${t.join(",")}"]`).classList.add("lit");
    document.querySelectorAll(`.stamp[data-c="${c}"][data-i="${i.join(",")}"] [data-pos="${pos.join(",")}"]`)
      .forEach((e) => e.classList.add("lit"));
  }
  if (o === 0 && state.zeroAt && state.zeroAt.join(",") !== pos.join(",")) {
    state.zeroAt = pos.slice();
    const zv = document.querySelector(".zeros");
    if (zv) zv.replaceWith(zeroView(state.result));
  }
  document.querySelectorAll(".matrixtable tr.lit-row").forEach((e) => e.classList.remove("lit-row"));
  if (o === 0) {
    const row = document.querySelector(`.matrixtable tr[data-row="${pos.join(",")}"]`);
    if (row) {
      row.classList.add("lit-row");
      const scroller = row.closest(".matrixbox"); // a tall Cᵀ scrolls its own box to the row
      const off = row.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      scroller.scrollTop += off - scroller.clientHeight / 2;
    }
  }
  const b = state.bias ? state.b[o] : 0;
  // the terms by name, then by value, then the sum: out[0][3] = x[0][1]·w[0][0][2] + … = 2·3 + … = 9
  const names = terms.map(([c, i, t]) => `x[${c}][${i.join(",")}]·w[${c}][${o}][${t.join(",")}]`);
  const values = terms.map(([c, i, t]) => `${factor(get(state.x[c], i))}·${factor(get(state.w[c][o], t))}`);
  if (state.bias) { names.push(`bias[${o}]`); values.push(factor(b)); }
  const sum = get(state.result.out[o], pos);
  const text = `out[${o}][${pos.join(",")}] = ` + (terms.length ? "" : "no stamp reaches it; ") +
    (names.length ? `${names.join(" + ")} = ${values.join(" + ")} = ` : "") + fmt(sum);
  $("why").textContent = text;
  $("why-key").textContent = "out[output channel][position], x[input channel][position], " +
    "w[input channel][output channel][tap]";
  $("why").dataset.terms = JSON.stringify(terms.map((tt) => tt[3]));
  $("why").dataset.bias = String(b);
}

// 1-D: each input's stamp (x[c][i] times the kernel) on its own row, at i·stride − padding, over the
// uncropped axis; then the column sums; padding's crop and output_padding's extra samples marked
function stampsView(res) {
  const st = state.setting;
  const k = st.kernel[0], s = st.stride[0], p = st.padding[0], d = st.dilation[0];
  const full = (st.size[0] - 1) * s + d * (k - 1) + 1; // every stamp, before the crop
  const width = Math.max(full, p + res.shape[0]);
  // a column kept only by output_padding (it lies past where padding's crop would end)
  const extra = (j) => j - p >= res.shape[0] - st.output_padding[0] && j - p < res.shape[0];
  const box = el("section", { class: "stamps" });
  box.append(el("h2", { text: "Stamps: each input value times the kernel, placed at i·stride, added, " +
    "then cropped by padding" }));
  for (let o = 0; o < state.cout; o++) {
    const t = el("table", { class: "grid stamptable" });
    const head = el("tr");
    head.append(el("th", { text: `output channel ${o}` }));
    for (let j = 0; j < width; j++) {
      const kept = j - p >= 0 && j - p < res.shape[0];
      head.append(el("th", { class: kept ? (extra(j) ? "extra" : "") : "cropped", text: kept ? String(j - p) : "crop" }));
    }
    t.append(head);
    const sums = Array(width).fill(0);
    for (let c = 0; c < state.cin; c++) {
      for (let i = 0; i < st.size[0]; i++) {
        const tr = el("tr", { class: "stamp", "data-c": String(c), "data-i": String(i) });
        tr.append(el("th", { text: `x[${c}][${i}]=${fmt(state.x[c][i])}` }));
        const row = Array(width).fill(null);
        for (let tap = 0; tap < k; tap++) {
          const j = i * s + tap * d;
          row[j] = state.x[c][i] * state.w[c][o][tap];
          sums[j] += row[j];
        }
        row.forEach((v, j) => tr.append(el("td", {
          "data-pos": String(j - p), class: `${j - p < 0 || j - p >= res.shape[0] ? "cropped" : ""} ` +
            `${extra(j) ? "extra" : ""} ${v === null ? "" : `w${i % 2}`}`, text: v === null ? "" : fmt(v),
        })));
        t.append(tr);
      }
    }
    const sumRow = el("tr", { class: "sums" });
    sumRow.append(el("th", { text: state.bias ? `sum + bias ${fmt(state.b[o])}` : "sum" }));
    for (let j = 0; j < width; j++) {
      const kept = j - p >= 0 && j - p < res.shape[0];
      sumRow.append(el("td", {
        class: kept ? (extra(j) ? "extra" : "") : "cropped",
        text: kept ? fmt(res.out[o][j - p]) : "",
        title: extra(j) ? "kept by output_padding" : "",
      }));
    }
    t.append(sumRow);
    box.append(t);
  }
  const op = st.output_padding[0], endCrop = p - op;
  const said = [];
  if (p > 0) {
    said.push(`Dimmed: cropped by padding, ${p} at the start and ` + (endCrop >= 0 ? `${endCrop} at the end ` +
      "(padding − output_padding)." : `none at the end (output_padding ${op} is more than padding ${p}).`));
  }
  if (op) {
    said.push(`Dashed column${op > 1 ? "s" : ""}: what output_padding ${op} keeps` +
      (endCrop < 0 ? `, ${-endCrop} of them past the last stamp.` : "."));
  }
  const names = DATA.palette[document.documentElement.dataset.theme || "dark"].window_names;
  said.push(`The rows alternate ${names[0]} and ${names[1]}, so that in a column the stamps of ` +
    "neighbouring inputs are told apart.");
  box.append(el("p", { class: "note", text: said.join(" ") }));
  const ev = evenness(st)[0].text; // a sentence of its own under the others: capital and full stop
  box.append(el("p", { class: "note", id: "evenness", text: ev[0].toUpperCase() + ev.slice(1) + "." }));
  return box;
}

// 1-D, the same output as an ordinary convolution: stride − 1 zeros between the input values,
// dilation·(kernel − 1) − padding zeros on each border (and output_padding more at the end; a negative
// count crops instead), then the flipped kernel slid one sample at a time (core.conv.zero_inserted).
// ← and → step the window; each position's dot product is written out.
function zeroInserted1(row, k, s, p, op, d, kinds = false) {
  // with `kinds`, each cell says what it is: "v" an input value, "i" a zero put between, "b" a border
  // zero, "o" a zero output_padding adds at the end
  let z = [];
  row.forEach((v, i) => {
    if (i) for (let r = 1; r < s; r++) z.push(kinds ? "i" : 0);
    z.push(kinds ? (typeof v === "string" ? v : "v") : v);
  });
  const border = d * (k - 1) - p;
  const before = border, after = border + op;
  z = z.slice(Math.max(0, -before), z.length - Math.max(0, -after));
  const pad = (n, kind = "b") => Array(Math.max(0, n)).fill(kinds ? kind : 0);
  const extra = Math.min(op, Math.max(0, after)); // the last `op` zeros at the end are output_padding's
  return pad(before).concat(z, pad(after - extra), pad(extra, "o"));
}

const transpose = (g) => g[0].map((_, c) => g.map((row) => row[c]));

// one input channel, zero-inserted on every axis (core.conv.zero_inserted)
function zeroInserted(xc, st, kinds = false) {
  const ax = (d) => [st.kernel[d], st.stride[d], st.padding[d], st.output_padding[d], st.dilation[d], kinds];
  if (st.size.length === 1) return zeroInserted1(xc, ...ax(0));
  if (kinds) {
    // a cell's kind from both axes: an input value only where both are; else the stronger of the two
    // (output_padding's zero, then a border zero, then a zero put between)
    const rank = { v: 0, i: 1, b: 2, o: 3 };
    const rk = zeroInserted1(Array(st.size[0]).fill("v"), ...ax(0));
    const ck = zeroInserted1(Array(st.size[1]).fill("v"), ...ax(1));
    return rk.map((a) => ck.map((b) => (rank[a] >= rank[b] ? a : b)));
  }
  const rows = xc.map((r) => zeroInserted1(r, ...ax(1)));
  // a column's zero between or on the border stays what the row made it, unless the column adds one
  const cols = transpose(rows).map((col) => zeroInserted1(col, ...ax(0)));
  return transpose(cols);
}

function zeroView(res) {
  const st = state.setting, dims = st.size.length, o = 0;
  const box = el("section", { class: "zeros" });
  box.append(el("h2", { text: "Zero insertion: the same output as an ordinary convolution" }));
  const list = el("ul", { class: "note" });
  st.size.forEach((_, d) => {
    const axis = dims > 1 ? `${["rows", "columns"][d]}: ` : "";
    const border = st.dilation[d] * (st.kernel[d] - 1) - st.padding[d];
    list.append(el("li", { text: `${axis}between input values (bold), stride − 1 = ${st.stride[d] - 1} ` +
      `zero(s) (grey); on each border, dilation·(kernel − 1) − padding = ${st.dilation[d]}·(${st.kernel[d]} − ` +
      `1) − ${st.padding[d]} = ${border} ` + (border < 0 ? `(below 0: ${-border} sample(s) cropped off instead)` :
        "zero(s) (dotted)") + (st.output_padding[d] ? `, and output_padding ${st.output_padding[d]} more at ` +
        "the end (dashed)" : "") }));
  });
  list.append(el("li", { text: `then the kernel, flipped, slides one sample at a time over it: ` +
    `${dims > 1 ? "the arrow keys" : "← and →"} or the buttons step it (output channel ${o})` }));
  list.append(el("li", { text: "why flipped: output sample j takes x[i]·w[t] where i·stride − padding + " +
    "t·dilation = j, so under the window, the further along an input value sits, the lower its tap: the " +
    "window holds the kernel last tap first" }));
  box.append(list);
  const pos = (state.zeroAt || st.size.map(() => 0)).map((v, d) => Math.min(v, res.shape[d] - 1));
  state.zeroAt = pos;
  const inWindow = (j) => j.every((jj, d) => {
    const off = jj - pos[d];
    return off >= 0 && off % st.dilation[d] === 0 && off / st.dilation[d] < st.kernel[d];
  });
  const terms = [];
  for (let c = 0; c < state.cin; c++) {
    const z = zeroInserted(state.x[c], st);
    const kind = zeroInserted(fill([...st.size], () => "v"), st, true);
    const k = state.w[c][o]; // flipped on every axis
    const wf = dims === 1 ? k.slice().reverse() : k.slice().reverse().map((r) => r.slice().reverse());
    for (const t of positions(st.kernel)) {
      const j = t.map((tt, d) => pos[d] + tt * st.dilation[d]);
      terms.push([get(z, j), get(wf, t)]);
    }
    const g = grid(z, { cls: "zerotable", heads: false, tag: (td, j) => {
      td.classList.add({ v: "zv", i: "zi", b: "zb", o: "zo" }[get(kind, j)] || "zb");
      if (!inWindow(j)) return;
      td.classList.add("lit");
      const t = j.map((jj, d) => (jj - pos[d]) / st.dilation[d]);
      td.append(el("span", { class: "tap", text: `·${fmt(get(wf, t))}` })); // the flipped tap under it
    } });
    g.dataset.c = String(c);
    g.dataset.z = JSON.stringify(z);
    box.append(el("h3", { text: `x[${c}] with zeros in; under the window, each flipped tap w[${c}][${o}]` }), g);
  }
  const b = state.bias ? state.b[o] : 0;
  const dot = terms.reduce((a, [zv, w]) => a + zv * w, 0) + b;
  const said = el("p", { id: "zero-dot", text: `out[${o}][${pos.join(",")}] = ` +
    terms.map(([zv, w]) => `${factor(zv)}·${factor(w)}`).join(" + ") + (state.bias ? ` + bias ${factor(b)}` : "") +
    ` = ${fmt(dot)}` });
  said.dataset.value = String(dot);
  const buttons = el("p", { class: "steps" });
  const moves = dims === 1 ? [["◀", 0, -1], ["▶", 0, 1]]
    : [["◀", 1, -1], ["▶", 1, 1], ["▲", 0, -1], ["▼", 0, 1]];
  for (const [label, d, by] of moves) {
    const bt = el("button", { type: "button", text: label, "aria-label": `step the kernel ${label}` });
    bt.addEventListener("click", () => step(d, by));
    buttons.append(bt);
  }
  box.append(said, buttons);
  const step = (d, by) => {
    const next = pos.slice();
    next[d] = Math.max(0, Math.min(res.shape[d] - 1, pos[d] + by));
    state.zeroAt = next;
    redrawViews(res);
  };
  box.tabIndex = 0;
  box.setAttribute("aria-label", "zero insertion: the arrow keys step the kernel");
  box.addEventListener("keydown", (e) => {
    const keys = { ArrowRight: [dims - 1, 1], ArrowLeft: [dims - 1, -1], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (!(e.key in keys) || (dims === 1 && (e.key === "ArrowDown" || e.key === "ArrowUp"))) return;
    step(...keys[e.key]);
    e.preventDefault();
  });
  return box;
}

// The matrix Cᵀ of output channel 0: a row per output sample (pixel, row by row in 2-D) and a column
// per input value of every input channel; Cᵀ times the inputs, plus the bias, is the output. Each
// column is one input value's stamp. Drawn where it stays readable.
const MATRIX_MAX = { rows: 64, cols: 36 };

function matrixView(res) {
  const st = state.setting, o = 0;
  const box = el("section", { class: "matrix" });
  box.append(el("h2", { text: `The matrix Cᵀ: output channel ${o} = Cᵀ · inputs` +
    (state.bias ? " + bias" : "") }));
  box.append(el("p", { class: "note", text: "C: the ordinary convolution with this kernel, written as a " +
    "matrix (it takes a signal of the output's length to one of the input's); its transpose Cᵀ goes the " +
    "other way, spreading each input value over the output" }));
  const ins = positions(st.size), outs = positions(res.shape);
  const cols = state.cin * ins.length;
  if (outs.length > MATRIX_MAX.rows || cols > MATRIX_MAX.cols) {
    box.append(el("p", { class: "note", text: `Cᵀ has ${outs.length} rows and ${cols} columns here: more ` +
      `than the page draws readably (${MATRIX_MAX.rows} x ${MATRIX_MAX.cols}); make the input smaller to see it` }));
    return box;
  }
  const C = outs.map(() => Array(cols).fill(0));
  const rowOf = new Map(outs.map((j, r) => [j.join(","), r]));
  const names = [];
  for (let c = 0; c < state.cin; c++) {
    ins.forEach((i, n) => {
      const col = c * ins.length + n;
      names.push(`x[${c}][${i.join(",")}]=${fmt(get(state.x[c], i))}`);
      for (const t of positions(st.kernel)) {
        const j = landing(i, t, st);
        const r = rowOf.get(j.join(","));
        if (r !== undefined) C[r][col] += get(state.w[c][o], t);
      }
    });
  }
  const t = el("table", { class: "grid matrixtable" });
  const head = el("tr");
  head.append(el("th", { text: "out ↓ · in →" }));
  names.forEach((nm, col) => head.append(el("th", { "data-col": String(col), text: nm })));
  t.append(head);
  C.forEach((row, r) => {
    const tr = el("tr", { "data-row": outs[r].join(",") });
    tr.append(el("th", { text: `out[${o}][${outs[r].join(",")}]` }));
    row.forEach((v, col) => {
      const td = el("td", { "data-col": String(col), class: v === 0 ? "zero" : "", text: fmt(v) });
      td.addEventListener("mouseenter", () => columnOf(col));
      tr.append(td);
    });
    t.append(tr);
  });
  t.dataset.matrix = JSON.stringify(C);
  box.append(el("div", { class: "matrixbox" }, t), el("p", { class: "note", text: "each column is one input value's stamp: the kernel, " +
    "shifted by the stride (hover a column, or an input cell)" + (st.size.length > 1 ? "; pixels numbered row by row" : "") }));
  return box;
}

// the three views, one shown at a time (the tab chosen); in 2-D the stamp-count map beside the output
function redrawViews(res) {
  const views = $("views");
  const zoomed = document.activeElement && document.activeElement.classList.contains("zeros");
  views.replaceChildren();
  views.append(state.dims === 1 ? stampsView(res) : stamp2d(res), zeroView(res), matrixView(res));
  $("counts").replaceChildren(...(state.dims === 2 ? [countView(res)] : []));
  showView(state.view);
  if (zoomed) views.querySelector(".zeros").focus();
}

function showView(name) {
  state.view = name;
  $("views").dataset.show = name;
  document.body.dataset.view = name;
  $("tabs").hidden = false;
  document.querySelectorAll("#tabs button").forEach((b) => b.setAttribute("aria-selected",
    String(b.dataset.view === name)));
}

// 2-D: one input value's stamp at a time (hover an input cell, or step with the buttons): the input
// value times the kernel, placed at (i·stride − padding, j·stride − padding) on the output grid; a
// tap that lands outside the output is cropped. The stamps of all input values add up to the output.
function stamp2d(res) {
  const st = state.setting, o = 0;
  const at = state.stampAt || [0, 0, 0];
  const c = Math.min(at[0], state.cin - 1), i = [Math.min(at[1], st.size[0] - 1), Math.min(at[2], st.size[1] - 1)];
  state.stampAt = [c, ...i];
  const v = get(state.x[c], i);
  const placed = zeros(res.shape), hit = zeros(res.shape);
  let cropped = 0;
  for (const t of positions(st.kernel)) {
    const j = landing(i, t, st);
    if (j.some((jj, d) => jj < 0 || jj >= res.shape[d])) { cropped++; continue; }
    setAt(placed, j, get(placed, j) + v * get(state.w[c][o], t));
    setAt(hit, j, 1);
  }
  document.querySelectorAll(".in td.picked").forEach((e) => e.classList.remove("picked"));
  const inTable = document.querySelectorAll(".in")[c];
  if (inTable) inTable.querySelector(`td[data-pos="${i.join(",")}"]`).classList.add("picked");
  const box = el("section", { class: "stamp2d" });
  box.append(el("h2", { text: "One stamp: an input value times the kernel, placed on the output" }));
  box.append(el("p", { class: "note", text: `x[${c}][${i.join(",")}] = ${fmt(v)} times kernel w[${c}][${o}], ` +
    `its tap (0,0) at (${i[0]}·${st.stride[0]} − ${st.padding[0]}, ` +
    `${i[1]}·${st.stride[1]} − ${st.padding[1]}) = ` +
    `(${i[0] * st.stride[0] - st.padding[0]}, ${i[1] * st.stride[1] - st.padding[1]})` +
    (cropped ? `; ${cropped} tap(s) land outside the output: cropped` : "") +
    "; the input cell is outlined above; hover another or use the buttons; every stamp added up is the " +
    "output" }));
  const g = grid(placed, { cls: "stampgrid", tag: (td, j) => {
    if (!get(hit, j)) { td.textContent = ""; td.classList.add("empty"); }
  } });
  g.dataset.placed = JSON.stringify(placed);
  g.dataset.hit = JSON.stringify(hit);
  const buttons = el("p", { class: "steps" });
  const total = state.cin * st.size[0] * st.size[1];
  const flat = (c * st.size[0] + i[0]) * st.size[1] + i[1];
  for (const [label, by] of [["◀ previous input value", -1], ["next input value ▶", 1]]) {
    const bt = el("button", { type: "button", text: label });
    bt.addEventListener("click", () => {
      const n = Math.max(0, Math.min(total - 1, flat + by));
      state.stampAt = [Math.floor(n / (st.size[0] * st.size[1])), Math.floor(n / st.size[1]) % st.size[0],
        n % st.size[1]];
      box.replaceWith(stamp2d(res));
    });
    buttons.append(bt);
  }
  box.append(g, buttons);
  return box;
}

// Per axis, whether the stamps fall evenly inside (away from the borders, where every input that could
// reach a sample exists): the counts there, read from the uncropped 1-D stamp counts, and why.
// Returns [{axis, even, text}] for each axis.
function evenness(st) {
  return st.size.map((n, d) => {
    const s = st.stride[d], k = st.kernel[d], dl = st.dilation[d];
    const full = (n - 1) * s + dl * (k - 1) + 1;
    const count = Array(full).fill(0);
    for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) count[i * s + t * dl]++;
    const inside = count.slice(dl * (k - 1), (n - 1) * s + 1);
    const axis = st.size.length > 1 ? ["rows", "columns"][d] : "";
    const lead = axis ? `${axis}: ` : "";
    // inside, sample j gets one stamp per tap t with t·dilation ≡ j (mod stride): a pattern of period stride
    const per = Array(s).fill(0);
    for (let t = 0; t < k; t++) per[(t * dl) % s]++;
    const even = per.every((v) => v === per[0]);
    const why = dl === 1 && s > 1 ? ` (kernel ${k} is ${even ? "" : "not "}a multiple of stride ${s})` : "";
    if (inside.length < s) {
      const len = outputLength(n, k, s, st.padding[d], st.output_padding[d], dl);
      const kept = Array.from({ length: len }, (_, j) => count[j + st.padding[d]] || 0); // past the end: 0
      return { axis, even, text: `${lead}stamps per sample: ${kept.join(" ")}; too few inputs for a ` +
        `repeating inside, which with more inputs would go ${per.join(" ")}: ${even ? "even" : "uneven"}${why}` };
    }
    const kinds = [...new Set(inside)].sort((a, b) => b - a);
    if (even) return { axis, even, text: `${lead}inside, every sample gets ${kinds[0]} stamp(s): even${why}` };
    return { axis, even, text: `${lead}inside, samples get ${kinds.join(" or ")} stamps in turn: uneven${why}` };
  });
}

// 2-D: the stamp-count map beside the output (how many stamps of one channel reach each pixel)
function countView(res) {
  const counts = stampCounts(state.setting, res.shape);
  const top = Math.max(1, ...counts.flat());
  const box = el("section", { class: "counts" });
  box.append(el("h2", { text: "Stamps per output pixel" }));
  box.append(el("p", { class: "note", text: "how many stamps of one input channel reach each output pixel " +
    `(${document.documentElement.dataset.theme === "light" ? "darker" : "brighter"}: more). ` +
    "Where neighbouring pixels get different counts, even a constant input comes " +
    "out patterned like a checkerboard: the artifact generated images show" }));
  const ev = evenness(state.setting);
  const uneven = ev.filter((a) => a.even === false).length;
  const verdict = uneven === 2 ? "a checkerboard inside"
    : uneven === 1 ? `${ev.find((a) => a.even === false).axis} uneven: stripes inside`
      : "no checkerboard, only the borders get fewer stamps";
  // the same on both axes: said once, for "rows and columns"
  const said = ev[0].text.replace(/^rows: /, "") === ev[1].text.replace(/^columns: /, "")
    ? "rows and columns: " + ev[0].text.replace(/^rows: /, "") : ev.map((a) => a.text).join("; ");
  box.append(el("p", { class: "note", id: "evenness", text: `${said}: ${verdict}` }));
  box.append(grid(counts, { cls: "countmap", tag: (td, pos, v) => {
    td.style.setProperty("--shade", String(v / top));
    if (v / top > 0.5) td.classList.add("strong"); // the digit in the background colour, to stand out
  } }));
  return box;
}

// ---- the address holds the setting -----------------------------------------------------------------
// #dims=2&size=3x3&kernel=3&…&cin=1&cout=1&x=1,2,…&w=…&b=… (b only with the bias; values row by row):
// a link or bookmark opens the page on the same setting and values, e.g. from a talk's slides
function toHash() {
  const st = state.setting;
  const ax = (v) => (v.every((a) => a === v[0]) ? String(v[0]) : v.join("x"));
  const q = new URLSearchParams({ dims: String(state.dims) });
  for (const name of ["size", "kernel", "stride", "padding", "output_padding", "dilation"]) {
    q.set(name, ax(st[name]));
  }
  q.set("cin", String(state.cin));
  q.set("cout", String(state.cout));
  q.set("x", state.x.flat(Infinity).join(","));
  q.set("w", state.w.flat(Infinity).join(","));
  if (state.bias) q.set("b", state.b.join(","));
  try {
    history.replaceState(null, "", "#" + q.toString().replace(/%2C/g, ","));
  } catch (e) { /* a browser that keeps file:// addresses as they are: the page works the same */ }
}

// the setting a link holds, or a message saying what in it is wrong (the page then opens as usual)
function fromHash(hash) {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  if (![...q.keys()].length) return null;
  const dims = Number(q.get("dims"));
  if (dims !== 1 && dims !== 2) return { error: "dims: 1 or 2" };
  const st = {};
  for (const name of PER_AXIS) {
    const got = readAxis(name, q.get(name) || "", dims); // "3x2" reads as "3, 2"
    if (got.error) return { error: got.error };
    st[name] = got.vals;
  }
  const ch = (key) => {
    const v = Number(q.get(key));
    return Number.isInteger(v) && v >= 1 && v <= LIMITS.channels ? v : null;
  };
  const cin = ch("cin"), cout = ch("cout");
  if (!cin || !cout) return { error: `channels: whole numbers from 1 to ${LIMITS.channels}` };
  const numbers = (key, shape) => {
    const text = q.get(key) || "";
    const vals = text.split(",").map((t) => (t.trim() === "" ? NaN : Number(t)));
    const n = shape.reduce((a, b) => a * b, 1);
    if (vals.length !== n || !vals.every(Number.isFinite)) return null;
    let k = 0;
    return fill(shape, () => vals[k++]);
  };
  const x = numbers("x", [cin, ...st.size]), w = numbers("w", [cin, cout, ...st.kernel]);
  const bias = q.has("b"), b = bias ? numbers("b", [cout]) : fill([cout], () => 0);
  if (!x || !w || !b) return { error: "the values do not fit the shapes the setting gives" };
  return { dims, setting: st, cin, cout, bias, x, w, b };
}

// ---- wiring ----------------------------------------------------------------------------------------
function applyTheme(name) {
  const pal = DATA.palette[name];
  const root = document.documentElement.style;
  for (const [k, v] of Object.entries(pal)) if (typeof v === "string") root.setProperty(`--${k}`, v);
  pal.windows.forEach((c, i) => root.setProperty(`--window${i}`, c));
  document.documentElement.dataset.theme = name;
  document.documentElement.style.colorScheme = name; // the browser's own controls drawn for the theme
}

function init() {
  applyTheme(DATA.theme);
  $("theme").value = DATA.theme;
  $("theme").addEventListener("change", () => {
    applyTheme($("theme").value);
    if (state.result && document.body.dataset.result) redrawViews(state.result); // words that name a shade
  });
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () =>
    showView(b.dataset.view)));
  reshapeValues();
  const linked = fromHash(location.hash);
  if (linked && linked.error) {
    $("values-error").textContent = `the address's setting was not read (${linked.error}); the page opens as ` +
      "usual instead";
  } else if (linked) {
    Object.assign(state, linked);
  }
  writeControls();
  const now = () => JSON.stringify([state.dims, state.cin, state.cout, state.bias, state.setting]);
  document.querySelectorAll("#controls input").forEach((inp) => inp.addEventListener("change", () => {
    const before = now(), shownBefore = document.body.dataset.result;
    if (inp.id !== "f-seed") {
      forgetPreset();
    }
    if (readControls()) {
      // a change event that changes nothing (a field left as it was) keeps the page as it is, so the
      // cell that focus moved to stays where it is
      if (now() !== before || !shownBefore) render();
      return;
    }
    // nothing stale: the output of the last good setting goes, and the page says why
    $("output").replaceChildren(el("p", { class: "refused", id: "refused",
      text: "a field above has no valid value: see the message beside it" }));
    $("views").replaceChildren();
    $("counts").replaceChildren();
    $("tabs").hidden = true;
    $("pytorch").value = "";
    document.body.dataset.result = "";
  }));
  // ↑ and ↓ in a setting field step its number(s) by one, so "and with stride 3?" is one key press
  for (const name of [...PER_AXIS, "cin", "cout"]) {
    $(`f-${name}`).addEventListener("keydown", (e) => {
      if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
      const parts = e.target.value.split(/[\s,x]+/).filter((p) => p !== "");
      if (!parts.length || !parts.every((p) => /^-?\d+$/.test(p))) return;
      e.preventDefault();
      const by = e.key === "ArrowUp" ? 1 : -1;
      e.target.value = parts.map((p) => String(Number(p) + by)).join(", ");
      e.target.dispatchEvent(new Event("change"));
    });
  }
  $("large").addEventListener("change", () =>
    document.documentElement.classList.toggle("large", $("large").checked));
  const apply = (name, seed) => {
    PRESETS[name](seed);
    writeControls();
    render();
  };
  // the preset chosen stays named in its menu until a setting or a value is changed by hand
  $("preset").addEventListener("change", () => {
    if ($("preset").value) apply($("preset").value);
    presetAbout();
  });
  // random integers for the setting shown: the same seed gives the same values in every browser
  const random = () => {
    const text = $("f-seed").value.trim(), seed = Number(text);
    const ok = /^\d+$/.test(text) && Number.isSafeInteger(seed);
    document.querySelector('[data-error="seed"]').textContent = ok ? "" : "seed: a whole number, 0 or more";
    if (ok) {
      apply("random", seed);
      forgetPreset();
    }
  };
  $("random").addEventListener("click", random);
  $("f-seed").addEventListener("keydown", (e) => { if (e.key === "Enter") random(); });
  $("copy").addEventListener("click", () => {
    $("pytorch").select();
    if (navigator.clipboard) navigator.clipboard.writeText($("pytorch").value).catch(() => {});
  });
  render();
}

// the tests drive the page through these, as the controls do
window.explorer = { state, check, convTranspose, render, writeControls, readControls, PRESETS };
document.addEventListener("DOMContentLoaded", init);

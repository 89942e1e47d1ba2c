// define_op: the one mechanism every op is built with, built-in or your own.
//
// An op computes its value from its inputs' values, and gives, for each input, a derivative:
// a function that takes ∂C/∂y (the gradient arriving at the op's output) and returns that
// input's share, ∂C/∂x = (∂y/∂x)ᵀ ∂C/∂y — a vector-Jacobian product. Derivatives are written with
// Variable ops, so with create_graph the backward pass is itself recorded and can be
// differentiated again.
//
// Names, the same in every op, in the engine and in the docs: a derivative's parameter is
// `ctx`, the tg::Backward the engine hands it (as PyTorch's custom functions get a ctx):
// ctx.gy is ∂C/∂y, the incoming gradient (g, or ȳ, in docs/derivatives.md and docs/autodiff.md),
// ctx.y the op's output, ctx.x(i) its input i. Example, y = a ⊙ b:
//
//   Variable mul(const Variable& a, const Variable& b) {
//     return tg::define_op("mul", a.value() * b.value(), {
//         {a, [](const tg::Backward& ctx) { return ctx.gy * ctx.x(1); }},    // ∂C/∂a = gy ⊙ b
//         {b, [](const tg::Backward& ctx) { return ctx.gy * ctx.x(0); }}});  // ∂C/∂b = gy ⊙ a
//   }
//
// Rules a derivative can rely on, and must keep:
// - It is only called when its input needs a gradient.
// - It may return a gradient of the broadcast (output) shape: the engine sums it back to the
//   input's shape with sum_to. Any other shape is an error naming the op.
// - It captures no Variables (read them from ctx.x(i) and ctx.y instead): a graph then never holds
//   a reference to itself, and tearing down a long chain needs no recursion.
#pragma once

#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "autodiff/variable.hpp"

namespace tg {

struct Edge;

// What a derivative sees when the engine calls it: its parameter `ctx`.
struct Backward {
  const Variable& gy;           // ∂C/∂y: the gradient arriving at the op's output (y's shape)
  const Variable& y;            // the op's output, for derivatives written with it (exp, tanh)
  std::span<const Edge> edges;  // the op's inputs, in order

  // Input i of the op.
  const Variable& x(std::size_t i) const;
};

// Input → ∂C/∂input, given what backward sees.
using Derivative = std::function<Variable(const Backward&)>;

// One input of an op and the derivative that carries the gradient back to it: an edge of the graph.
struct Edge {
  Variable input;
  Derivative derivative;
};

inline const Variable& Backward::x(std::size_t i) const { return edges[i].input; }

// Makes the node y = op(inputs) holding `value`. It is recorded (and requires grad) when
// grad mode is on and some input requires grad; otherwise the result is a leaf with no history.
// Every edge needs a defined input and a derivative (tg::graph_error naming `name` otherwise).
// Under detect_anomaly a non-finite value throws, naming `name`.
Variable define_op(std::string name, Tensor value, std::initializer_list<Edge> edges);
Variable define_op(std::string name, Tensor value, std::vector<Edge> edges);

}  // namespace tg

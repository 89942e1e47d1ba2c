// Exercise 01: an engine of your own, for scalars (micrograd's Value). The node, the ops and the
// functions you write; their bodies are yours, in exercise.cpp.
#pragma once

#include <cmath>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace tg::exercises {

// One number of a computation: its value, ∂root/∂it once backward has run, and where it came
// from (the op and its inputs). A leaf has no op and no parents.
struct Node {
  double data = 0.0;
  double grad = 0.0;
  std::string_view op;                         // "", "+", "*", "tanh", "exp" or "pow"
  std::vector<std::shared_ptr<Node>> parents;  // the op's inputs, in order
  double exponent = 0.0;                       // k of "pow": data = parents[0]ᵏ

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Frees a long chain without recursion (the default destructor would recurse once per node
  // and overflow the stack on a 100,000-node chain).
  ~Node() {
    std::vector<std::shared_ptr<Node>> pending = std::move(parents);
    while (!pending.empty()) {
      std::shared_ptr<Node> p = std::move(pending.back());
      pending.pop_back();
      if (p.use_count() == 1)  // the last owner: take its parents before it goes
        for (auto& q : p->parents) pending.push_back(std::move(q));
    }
  }
};
using Value = std::shared_ptr<Node>;

// ---- YOUR FUNCTIONS (exercise.cpp) ----

// (1) The local derivatives of one node: ∂out.data/∂out.parents[i]->data, one per parent.
//     "+": 1, 1      "*": b, a      "tanh": 1 − out²      "exp": out      "pow": k xᵏ⁻¹
std::vector<double> local_derivatives(const Node& out);
// (2) The chain rule at one node: each parent's grad += local derivative · out.grad. "+=", not
//     "=": a value used twice receives a contribution from each use.
void chain_rule(Node& out);
// (3) Every node root depends on, root included, each once, each after all of its parents (a
//     topological order). Without recursion: a chain of 100,000 nodes must not overflow the stack.
std::vector<Node*> topological_order(const Value& root);
// (4) ∂root/∂v for every node v: root.grad = 1, then the chain rule at each node, from the root
//     back to the leaves (the topological order reversed).
void backward(const Value& root);
// (5) Every grad root depends on set back to 0, before the next backward.
void zero_grad(const Value& root);

// ---- THE OPS (given): each computes its value and records its inputs ----

inline Value leaf(double x) {
  Value v = std::make_shared<Node>();
  v->data = x;
  return v;
}
inline Value make(const char* op, std::vector<Value> parents, double data, double exponent = 0.0) {
  Value v = leaf(data);
  v->op = op;
  v->parents = std::move(parents);
  v->exponent = exponent;
  return v;
}
inline Value operator+(const Value& a, const Value& b) { return make("+", {a, b}, a->data + b->data); }
inline Value operator*(const Value& a, const Value& b) { return make("*", {a, b}, a->data * b->data); }
inline Value tanh(const Value& x) { return make("tanh", {x}, std::tanh(x->data)); }
inline Value exp(const Value& x) { return make("exp", {x}, std::exp(x->data)); }
inline Value pow(const Value& x, double k) { return make("pow", {x}, std::pow(x->data, k), k); }

}  // namespace tg::exercises

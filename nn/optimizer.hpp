// Optimizers: rules that move the parameters θ (W^2, b^2, ..., W^L, b^L) against their
// gradients g = ∂C/∂θ.
//
//   Sgd        θ ← θ − η g                                          (Nielsen ch. 1; seed 003)
//   Momentum   v ← μ v − η g,   θ ← θ + v                            (Nielsen ch. 3)
//   Adam       m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²       (Kingma & Ba, Algorithm 1)
//              m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ),   θ ← θ − η m̂ / (√v̂ + ε)
//
// An optimizer is built for one list of parameters, usually net.parameters(), and keeps its
// state (velocities, moments) per parameter in that order. Gradients are plain Tensors in the
// same order, so both the engine and the hand-written BP1–BP4 can drive it:
//
//   Sgd opt(net.parameters(), 0.5);
//   cost(c, net, net.forward_trace(Variable(X)), Y).backward();
//   opt.step();                    // uses each θ.grad()
//   opt.zero_grad();
//   opt.step(parameter_gradients(backprop(net, X, Y, c)));   // or BP3/BP4's (nn/train.hpp)
//
// Parameters are leaves; a step writes their values in place (as an update of the weights, not
// an op: nothing is recorded). Do not step while a graph built from the old values is still to
// be backpropagated: its saved inputs are the parameters themselves, so it would see the new ones.
//
// Every constructor needs a learning rate η that is a finite number > 0 and a non-empty list of
// parameters that are leaves (not empty Variables, not results of ops); Momentum's μ and Adam's
// β₁, β₂ lie in [0, 1), Adam's ε is a finite number > 0. Anything else: std::invalid_argument
// naming the optimizer and the value.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "autodiff/autodiff.hpp"

namespace tg::nn {

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // One update with grads[i] = ∂C/∂θ_i (θ_i's shape), in place, under no_grad. One gradient per
  // parameter, each of its shape (tg::shape_error otherwise, nothing changed).
  // Returns the largest change |Δθ| over every element of every parameter (seed 003 stops
  // when it falls below ε); NaN if any change is NaN, so a diverging run never looks converged.
  double step(const std::vector<Tensor>& grads);
  // The same with each parameter's own gradient θ.grad(), after C.backward() (tg::graph_error
  // if a parameter has none).
  double step();
  // Clears every parameter's θ.grad() (backward adds to it, so call this between steps).
  void zero_grad();

  const std::vector<Variable>& parameters() const { return params_; }
  // Checks that this optimizer was built for `params` (the same nodes, in order): otherwise
  // std::invalid_argument "<who>: the <name> optimizer was built for other parameters than
  // this network's<advice>".
  void require_built_for(const std::vector<Variable>& params, std::string_view who,
                         std::string_view advice = "") const;
  std::size_t steps() const { return t_; }  // t: the number of updates so far
  double learning_rate() const { return eta_; }
  void set_learning_rate(double eta);  // η > 0 (for a schedule)
  // Forgets everything learnt along the way (velocities, moments, t); θ stays.
  virtual void reset();
  virtual std::string name() const = 0;  // "sgd", "momentum", "adam"

  // What the rule has learnt along the way, for checkpoints: named slots of one tensor per
  // parameter (Momentum: "velocity"; Adam: "m" and "v"; Sgd: none). With steps() it is all a
  // resumed run needs to go on exactly as if it had never stopped.
  using State = std::map<std::string, std::vector<Tensor>>;
  virtual State state() const { return {}; }
  // Puts back a state() taken after `steps` updates. Its slots and their shapes must be this
  // optimizer's own (std::invalid_argument or tg::shape_error otherwise, nothing changed).
  void restore(std::size_t steps, const State& state);

 protected:
  // `who` names the optimizer in error messages.
  Optimizer(std::vector<Variable> params, double eta, const char* who);
  // The rule for parameter i: θ ← θ + Δθ, with Δθ from its gradient g (θ's shape), written
  // per weight with apply_change (optimizer.cpp). Returns max_k |Δθ_k|; sets `nan` when some
  // Δθ_k is NaN. steps() already counts this step (t = 1 on the first).
  virtual double update(std::size_t i, const Tensor& g, Tensor& theta, bool& nan) = 0;
  // Zeros shaped like each parameter (for velocities and moments).
  std::vector<Tensor> zeros_like_parameters() const;
  // Takes the slots of a checked state (see restore).
  virtual void restore_slots(const State&) {}

 private:
  std::vector<Variable> params_;
  double eta_;
  std::size_t t_ = 0;
  const char* who_;
};

// Plain gradient descent: θ ← θ − η g.
class Sgd : public Optimizer {
 public:
  Sgd(std::vector<Variable> params, double eta);
  std::string name() const override { return "sgd"; }

 protected:
  double update(std::size_t i, const Tensor& g, Tensor& theta, bool& nan) override;
};

// Gradient descent with momentum (Nielsen ch. 3): the velocity v remembers past steps,
// μ ∈ [0, 1) is the "friction" (μ = 0 is plain SGD).
//   v ← μ v − η g,   θ ← θ + v          (v starts at 0)
class Momentum : public Optimizer {
 public:
  Momentum(std::vector<Variable> params, double eta, double mu = 0.9);
  double mu() const { return mu_; }
  const std::vector<Tensor>& velocities() const { return v_; }
  void reset() override;
  std::string name() const override { return "momentum"; }
  State state() const override { return {{"velocity", v_}}; }

 protected:
  double update(std::size_t i, const Tensor& g, Tensor& theta, bool& nan) override;
  void restore_slots(const State& s) override { v_ = s.at("velocity"); }

 private:
  double mu_;
  std::vector<Tensor> v_;
};

// Adam (Kingma & Ba 2015): running averages of g (first moment m) and g² (second moment v),
// bias-corrected because both start at 0. On the first step m̂ = g and v̂ = g², so every
// element moves by η g/(|g| + ε) ≈ η against the sign of its gradient, whatever its size.
//   m ← β₁ m + (1 − β₁) g,      v ← β₂ v + (1 − β₂) g ⊙ g
//   m̂ = m / (1 − β₁ᵗ),          v̂ = v / (1 − β₂ᵗ)
//   θ ← θ − η m̂ ⊘ (√v̂ + ε)
class Adam : public Optimizer {
 public:
  Adam(std::vector<Variable> params, double eta = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
       double epsilon = 1e-8);
  double beta1() const { return beta1_; }
  double beta2() const { return beta2_; }
  double epsilon() const { return epsilon_; }
  const std::vector<Tensor>& first_moments() const { return m_; }
  const std::vector<Tensor>& second_moments() const { return v_; }
  void reset() override;
  std::string name() const override { return "adam"; }
  State state() const override { return {{"m", m_}, {"v", v_}}; }

 protected:
  double update(std::size_t i, const Tensor& g, Tensor& theta, bool& nan) override;
  void restore_slots(const State& s) override {
    m_ = s.at("m");
    v_ = s.at("v");
  }

 private:
  double beta1_, beta2_, epsilon_;
  std::vector<Tensor> m_, v_;
};

}  // namespace tg::nn

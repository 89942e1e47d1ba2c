// Example 05: second derivatives. Hessian-vector products, and Newton's method built on them.
//
// What you learn: the backward pass is itself a computation made of ops. With
// create_graph = true the engine records it, so the gradient g(x) = ∇f(x) is a Variable with a
// graph of its own, and backpropagating through it once more with a seed v gives
//   ∂(g · v)/∂x = H v        (H = ∇²f, symmetric)
// — a Hessian-vector product, for the cost of about two gradients, without ever forming H.
// Newton's method needs H only through such products: solve H d = −g by conjugate gradients
// (which asks for nothing but H v), step x ← x + d, and the gradient's norm roughly squares at
// every step near the minimum: 2e-2, 4e-5, 1e-10 (quadratic convergence).
//
// Follows docs/design.md's rule that every derivative is written with Variable ops (so the engine
// can differentiate it again), and the seeds' gradient descent (seeds 003, 004), here
// replaced by a second-order step. The function, for x ∈ ℝ⁴:
//
//   f(x) = Σ_i x_i⁴/4 + ½ xᵀA x − bᵀx        A symmetric positive definite (4, 4), b: (4)
//   ∇f(x) = x³ + A x − b                     (x³ elementwise)
//   H(x) = diag(3 x_i²) + A                  positive definite, so f has one minimum
//
// Build and run:   cmake --build build --target example_05_newton_hvp && build/examples/05_newton_hvp
#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join

#include "autodiff/autodiff.hpp"
#include "autodiff/elementwise.hpp"  // tg::map: y_i = f(x_i) on a Tensor

using tg::Tensor;
using tg::Variable;

namespace {

constexpr std::size_t n = 4;
// A: the 1-D Laplacian [−1 2 −1] plus the identity, symmetric positive definite.   (4, 4)
const Tensor A = {
    {3.0, -1.0, 0.0, 0.0}, {-1.0, 3.0, -1.0, 0.0}, {0.0, -1.0, 3.0, -1.0}, {0.0, 0.0, -1.0, 3.0}};
const Tensor b = {1.0, 2.0, 3.0, 4.0};  // (4)

// f(x), recorded.     x: (4) -> ()
Variable f(const Variable& x) {
  return tg::sum(tg::pow(x, 4.0)) / 4.0 + 0.5 * tg::sum(x * tg::matmul(Variable(A), x)) -
         tg::sum(Variable(b) * x);
}

// H(x) = diag(3 x_i²) + A, by hand.     x: (4) -> (4, 4)
Tensor hessian_by_hand(const Tensor& x) {
  Tensor H = A;
  for (std::size_t i = 0; i < n; ++i) H(i, i) += 3.0 * x(i) * x(i);
  return H;
}

// M v for a matrix M (n, n) and a vector v (n).
Tensor matvec(const Tensor& M, const Tensor& v) {
  Tensor out = tg::filled({n}, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) out(i) += M(i, j) * v(j);
  return out;
}
double dot(const Tensor& u, const Tensor& v) {
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += u(i) * v(i);
  return s;
}
double norm(const Tensor& v) { return std::sqrt(dot(v, v)); }
double max_abs(const Tensor& u, const Tensor& v) {
  double m = 0.0;
  for (std::size_t i = 0; i < u.size(); ++i) m = std::max(m, std::abs(u.data()[i] - v.data()[i]));
  return m;
}
// u + s v
Tensor axpy(const Tensor& u, double s, const Tensor& v) {
  Tensor out = u;
  for (std::size_t i = 0; i < n; ++i) out(i) += s * v(i);
  return out;
}

// The gradient at x, recorded (create_graph), so that it can be differentiated again; and a
// function giving H v for any v by one more backward pass through it.
struct SecondOrder {
  Variable x, g;  // x: a leaf, g = ∇f(x) with its graph
  explicit SecondOrder(const Tensor& at) : x(at, /*requires_grad=*/true) {
    g = tg::grad({f(x)}, {x}, /*create_graph=*/true)[0];  // g: (4), itself a recorded Variable
  }
  // H v = ∂(g · v)/∂x: backpropagate through g's graph with the seed v. The graph is kept
  // (retain_graph), so that conjugate gradients can ask for many products.     v: (4) -> (4)
  Tensor hvp(const Tensor& v) const {
    return tg::grad({g}, {x}, {Variable(v)}, /*create_graph=*/false, /*retain_graph=*/true)[0].value();
  }
};

// Solves H d = r by conjugate gradients, using H only through hvp. H is n×n and positive
// definite, so (in exact arithmetic) n iterations solve it exactly.
Tensor conjugate_gradients(const SecondOrder& so, const Tensor& r, std::size_t& iterations) {
  Tensor d = tg::filled({n}, 0.0);
  Tensor res = r;  // residual r − H d
  Tensor p = res;
  double rr = dot(res, res);
  iterations = 0;
  while (iterations < n && std::sqrt(rr) > 1e-14 * std::max(1.0, norm(r))) {
    const Tensor Hp = so.hvp(p);
    const double alpha = rr / dot(p, Hp);  // step along p minimising the quadratic model
    d = axpy(d, alpha, p);
    res = axpy(res, -alpha, Hp);
    const double rr_new = dot(res, res);
    p = axpy(res, rr_new / rr, p);  // the next direction, H-conjugate to the previous ones
    rr = rr_new;
    ++iterations;
  }
  return d;
}

// ---- 1. A Hessian-vector product, checked against H by hand ---------------------------------
// Returns whether H v and the whole H (built from n products) agree with H by hand.
bool hessian_vector_products() {
  const Tensor x1 = {0.5, -1.0, 1.5, 2.0};
  const Tensor v = {1.0, 0.0, -2.0, 0.5};
  const SecondOrder at_x1(x1);
  const Tensor Hv = at_x1.hvp(v);
  const Tensor Hv_hand = matvec(hessian_by_hand(x1), v);
  fmt::print("at x = {}, v = {}:\n", tg::format_tensor(x1), tg::format_tensor(v));
  fmt::print("  H v by autodiff: {}\n", tg::format_tensor(Hv, 15));
  fmt::print("  H v by hand:     {}\n", tg::format_tensor(Hv_hand, 15));
  const double hv_err = max_abs(Hv, Hv_hand);
  fmt::print("{}: max |diff| {:.1e}\n", hv_err <= 1e-13 ? "Hv by autodiff = H v by hand" : "Hv MISMATCH",
             hv_err);

  // The whole Hessian, column by column: H e_j is column j. (n products: fine for n = 4; for a
  // network with a million weights one never builds H, only products with it.)
  Tensor H = tg::filled({n, n}, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    Tensor e = tg::filled({n}, 0.0);
    e(j) = 1.0;
    const Tensor col = at_x1.hvp(e);
    for (std::size_t i = 0; i < n; ++i) H(i, j) = col(i);
  }
  const double h_err = max_abs(H, hessian_by_hand(x1));
  fmt::print("{}: max |diff| {:.1e}\n", h_err <= 1e-13 ? "H from 4 HVPs = H by hand" : "H MISMATCH", h_err);
  fmt::print("  H = {}\n\n", tg::format_tensor(H));
  return hv_err <= 1e-13 && h_err <= 1e-13;
}

// ---- 2. Newton's method: solve H d = −g by conjugate gradients (HVPs only), x ← x + d --------
struct NewtonRun {
  Tensor x;                   // where it stopped
  std::vector<double> gnorm;  // ‖∇f(x_k)‖ for k = 0, 1, ...
  std::size_t steps = 0;      // 0: did not converge in 20 steps
};

NewtonRun newton() {
  fmt::print("Newton's method from x = 0 (each step: H d = −∇f solved by CG with HVPs only)\n");
  fmt::print("{:>3}  {:<58} {:>13}  {:>10}  {:>3}\n", "k", "x_k", "f(x_k)", "‖∇f(x_k)‖", "CG");
  NewtonRun run{tg::filled({n}, 0.0), {}, 0};
  std::size_t hvps = 0;
  for (std::size_t k = 0; k <= 20; ++k) {
    const SecondOrder so(run.x);
    const Tensor g = so.g.value();
    run.gnorm.push_back(norm(g));
    const double fx = f(Variable(run.x)).item();
    fmt::print("{:>3}  {:<58} {:>13.9f}  {:>10.2e}", k, fmt::format("{:15.12f}", fmt::join(run.x, "")), fx,
               run.gnorm.back());
    if (run.gnorm.back() < 1e-13) {
      fmt::print("\n");
      run.steps = k;
      break;
    }
    std::size_t cg = 0;
    const Tensor d = conjugate_gradients(so, tg::map(g, [](double v) { return -v; }), cg);
    hvps += cg;
    fmt::print("  {:>3}\n", cg);
    // The full Newton step, no line search. Enough for this f: the first step overshoots (at
    // x = 0 the quartic term has no curvature yet), then the quadratic model is right. Far from
    // a minimum, a damped step or a line search keeps Newton safe.
    run.x = axpy(run.x, 1.0, d);
  }
  fmt::print("{}\n",
             run.steps > 0
                 ? fmt::format("Newton converged in {} steps: ‖∇f‖ < 1e-13, with {} gradients and {} HVPs",
                               run.steps, run.steps + 1, hvps)
                 : std::string("Newton did NOT converge in 20 steps"));
  return run;
}

// Quadratic convergence: ‖g_{k+1}‖ ≤ c ‖g_k‖² once close, so the ratio stays bounded while
// ‖g‖ shrinks from 1e-2 to 1e-5 to 1e-10. (The last ‖g‖ is rounding noise: no ratio for it.)
bool converged_quadratically(const NewtonRun& run) {
  const std::vector<double>& gnorm = run.gnorm;
  bool quadratic = run.steps >= 2;
  fmt::print("‖g_(k+1)‖ / ‖g_k‖²:");
  for (std::size_t k = 0; k + 1 < gnorm.size(); ++k) {
    if (gnorm[k + 1] < 1e-13) break;
    const double ratio = gnorm[k + 1] / (gnorm[k] * gnorm[k]);
    fmt::print("  {:.2g}", ratio);
    if (gnorm[k] < 1e-1) quadratic &= ratio < 10.0;  // bounded once close
  }
  fmt::print("\n{}\n",
             quadratic
                 ? "quadratic convergence: the ratio stays bounded, the number of correct digits doubles"
                 : "NOT quadratic");
  return quadratic;
}

// ---- 3. For contrast: gradient descent, x ← x − η ∇f -----------------------------------------
// Its error shrinks by a constant factor per step (linear convergence), set by how different
// H's eigenvalues are; η must stay below 2/λ_max(H). Compared with Newton's minimum x_newton.
void gradient_descent(const Tensor& x_newton) {
  Tensor y = tg::filled({n}, 0.0);
  const double eta = 0.1;
  std::size_t k = 0;
  for (; k < 100000; ++k) {
    const Variable yv(y, true);
    const Tensor g = tg::grad({f(yv)}, {yv})[0].value();
    if (norm(g) < 1e-13) break;
    y = axpy(y, -eta, g);
  }
  fmt::print(
      "\ngradient descent (η = {}) needs {} steps ({} gradients) to reach the same ‖∇f‖ < 1e-13;\n"
      "its minimum agrees with Newton's to {:.1e}\n",
      eta, k, k + 1, max_abs(y, x_newton));
}

}  // namespace

int main() {
  fmt::print("f(x) = Σ x_i⁴/4 + ½ xᵀA x − bᵀx,   ∇f = x³ + A x − b,   H = diag(3x²) + A\n\n");
  bool ok = hessian_vector_products();
  const NewtonRun run = newton();
  ok &= run.steps > 0;
  ok &= converged_quadratically(run);
  gradient_descent(run.x);
  return ok ? 0 : 1;
}

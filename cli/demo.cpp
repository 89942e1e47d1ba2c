#include "cli/demo.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "autodiff/autodiff.hpp"
#include "cli/files.hpp"
#include "cli/options.hpp"

namespace tg::cli {

namespace {

struct Net {
  Variable W1, b1, W2, b2;  // W^[1]: (2,2), b^[1]: (2,1), W^[2]: (1,2), b^[2]: (1,1)
};

// Seed 002's network and loss, for one example x (2,1) with label y:
//   z1 = W1 x + b1,  a1 = σ(z1),  z2 = W2 a1 + b2,  a = σ(z2),
//   L = −[y ln a + (1 − y) ln(1 − a)]
struct Forward {
  Variable z2, a, loss;
};
Forward forward(const Net& n, const Variable& x, double y) {
  const Variable a1 = sigmoid(matmul(n.W1, x) + n.b1);
  Forward f;
  f.z2 = matmul(n.W2, a1) + n.b2;
  f.a = sigmoid(f.z2);
  f.loss = sum(-(y * log(f.a) + (1.0 - y) * log(1.0 - f.a)));
  return f;
}

}  // namespace

void add_demo_options(CLI::App& app, DemoOptions& options) {
  app.add_option("--dot", options.dot_path, "also write the loss's computational graph as Graphviz DOT")
      ->check(non_empty("a file name"))
      ->type_name("FILE");
}

int run_demo(const DemoOptions& options, std::FILE* out) {
  Net net{Variable(Tensor{{0.15, 0.20}, {0.25, 0.30}}, true), Variable(column({0.35, 0.35}), true),
          Variable(Tensor{{0.40, 0.45}}, true), Variable(column({0.60}), true)};
  net.W1.set_name("W[1]");
  net.b1.set_name("b[1]");
  net.W2.set_name("W[2]");
  net.b2.set_name("b[2]");
  const Variable x = Variable(column({0.05, 0.10})).set_name("x");
  const double y = 1.0;

  fmt::print(out, "tapegrad demo: seed 002's 2-2-1 sigmoid network, cross-entropy loss, one example\n");
  fmt::print(out, "  x = {}, y = {}\n\n", format_tensor(x.value()), y);

  Forward f = forward(net, x, y);
  f.z2.retain_grad();
  // Kept (retain_graph) so that the picture below can show it with its gradients.
  f.loss.backward(filled({}, 1.0), /*retain_graph=*/true);
  fmt::print(out, "loss L = {:.10f}\n", f.loss.item());
  fmt::print(out, "seed 002: dL/dz[2] = a - y = {:.10f}; autodiff: {:.10f}\n\n", f.a.item() - y,
             f.z2.grad().data()[0]);

  if (!options.dot_path.empty()) {
    DotOptions dot;
    dot.values = dot.grads = true;
    try {
      write_file_atomically(options.dot_path, to_dot(f.loss, dot));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("--dot: {}", e.what()));
    }
    fmt::print(out, "graph written to {} (render: dot -Tsvg {} -o graph.svg)\n\n", options.dot_path,
               options.dot_path);
  }

  // Central differences, (L(θ + ε) − L(θ − ε)) / 2ε, one parameter element at a time.
  const double eps = 1e-6;
  bool agree = true;
  fmt::print(out, "{:<8} {:<8} {:>16} {:>16} {:>10}\n", "param", "element", "autodiff", "finite diff",
             "|diff|");
  for (Variable* p : {&net.W1, &net.b1, &net.W2, &net.b2}) {
    const Tensor numeric = central_differences(
        *p, [&] { return forward(net, x, y).loss.item(); }, eps);
    for (std::size_t i = 0; i < numeric.size(); ++i) {
      const double analytic = p->grad().data()[i];
      const double diff = std::abs(analytic - numeric.data()[i]);
      agree = agree && diff <= 1e-7 + 1e-5 * std::abs(numeric.data()[i]);
      fmt::print(out, "{:<8} {:<8} {:>16.10f} {:>16.10f} {:>10.2e}\n", p->name(), index_str(p->shape(), i),
                 analytic, numeric.data()[i], diff);
    }
  }
  fmt::print(out, "\n{}\n",
             agree ? "autodiff and finite differences agree."
                   : "MISMATCH between autodiff and finite differences.");
  return agree ? 0 : 1;
}

}  // namespace tg::cli

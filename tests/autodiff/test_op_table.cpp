// The op table: every op with the shapes to try, and one test that gradchecks and
// gradgradchecks every row. Adding an op means adding a row here (and to docs' derivative table).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "examples/gelu.hpp"  // an op added outside the engine, as docs/adding-an-op.md shows
#include "support/random.hpp"

namespace {

using tg::Shape;
using tg::Variable;
using tg::test::Domain;
using Inputs = std::vector<Variable>;

struct Operand {
  Shape shape;
  Domain domain = Domain::any;
};

struct Row {
  std::string op;  // the op's name, as in the docs' derivative table
  std::function<Variable(const Inputs&)> f;
  std::vector<std::vector<Operand>> cases;  // each case: one operand per input
};

// Shape sets used by many rows.
const std::vector<std::vector<Operand>> unary_shapes(Domain d = Domain::any) {
  return {{{{}, d}}, {{{3}, d}}, {{{2, 3}, d}}};
}
const std::vector<std::vector<Operand>> binary_shapes(Domain second = Domain::any) {
  return {{{{}}, {{}, second}},         {{{3}}, {{3}, second}},    {{{2, 3}}, {{2, 3}, second}},
          {{{3, 1}}, {{1, 4}, second}}, {{{2, 3}}, {{3}, second}}, {{{}}, {{2, 3}, second}}};
}

std::vector<Row> op_table() {
  using namespace tg;
  return {
      {"add", [](const Inputs& x) { return x[0] + x[1]; }, binary_shapes()},
      {"sub", [](const Inputs& x) { return x[0] - x[1]; }, binary_shapes()},
      {"mul", [](const Inputs& x) { return x[0] * x[1]; }, binary_shapes()},
      {"div", [](const Inputs& x) { return x[0] / x[1]; }, binary_shapes(Domain::nonzero)},
      {"neg", [](const Inputs& x) { return -x[0]; }, unary_shapes()},
      {"add (double)", [](const Inputs& x) { return x[0] + 2.5; }, unary_shapes()},
      {"add (double, left)", [](const Inputs& x) { return 2.5 + x[0]; }, unary_shapes()},
      {"sub (double)", [](const Inputs& x) { return x[0] - 2.5; }, unary_shapes()},
      {"sub (double, left)", [](const Inputs& x) { return 2.5 - x[0]; }, unary_shapes()},
      {"mul (double)", [](const Inputs& x) { return x[0] * -1.5; }, unary_shapes()},
      {"mul (double, left)", [](const Inputs& x) { return -1.5 * x[0]; }, unary_shapes()},
      {"div (double)", [](const Inputs& x) { return x[0] / 4.0; }, unary_shapes()},
      {"div (double, left)", [](const Inputs& x) { return 2.0 / x[0]; }, unary_shapes(Domain::nonzero)},
      {"exp", [](const Inputs& x) { return exp(x[0]); }, unary_shapes()},
      {"log", [](const Inputs& x) { return log(x[0]); }, unary_shapes(Domain::positive)},
      {"pow (integer p)", [](const Inputs& x) { return pow(x[0], 3.0); }, unary_shapes()},
      {"pow (fractional p)", [](const Inputs& x) { return pow(x[0], -1.5); }, unary_shapes(Domain::positive)},
      {"pow (p = 0)", [](const Inputs& x) { return pow(x[0], 0.0); }, unary_shapes()},
      {"pow (Variable p)",
       [](const Inputs& x) { return pow(x[0], x[1]); },
       {{{{}, Domain::positive}, {{}}},
        {{{2, 3}, Domain::positive}, {{2, 3}}},
        {{{3, 1}, Domain::positive}, {{1, 4}}}}},
      {"sqrt", [](const Inputs& x) { return sqrt(x[0]); }, unary_shapes(Domain::positive)},
      {"abs", [](const Inputs& x) { return abs(x[0]); }, unary_shapes(Domain::nonzero)},
      {"tanh", [](const Inputs& x) { return tanh(x[0]); }, unary_shapes()},
      {"sigmoid", [](const Inputs& x) { return sigmoid(x[0]); }, unary_shapes()},
      {"relu", [](const Inputs& x) { return relu(x[0]); }, unary_shapes(Domain::nonzero)},
      {"relu_grad",
       [](const Inputs& x) { return relu_grad(x[0], x[1]); },
       {{{{}}, {{}, Domain::nonzero}},
        {{{3}}, {{3}, Domain::nonzero}},
        {{{2, 3}}, {{2, 3}, Domain::nonzero}}}},
      {"softplus", [](const Inputs& x) { return softplus(x[0]); }, unary_shapes()},
      {"erf", [](const Inputs& x) { return erf(x[0]); }, unary_shapes()},
      {"sum", [](const Inputs& x) { return sum(x[0]); }, unary_shapes()},
      {"sum (axis 0)", [](const Inputs& x) { return sum(x[0], 0); }, {{{{3}}}, {{{2, 3}}}, {{{2, 3, 4}}}}},
      {"sum (axis -1, keepdims)",
       [](const Inputs& x) { return sum(x[0], -1, true); },
       {{{{3}}}, {{{2, 3}}}, {{{2, 3, 4}}}}},
      {"sum (axis 1)", [](const Inputs& x) { return sum(x[0], 1); }, {{{{2, 3}}}, {{{2, 3, 4}}}}},
      {"mean", [](const Inputs& x) { return mean(x[0]); }, unary_shapes()},
      {"mean (axis 0, keepdims)", [](const Inputs& x) { return mean(x[0], 0, true); }, {{{{3}}}, {{{2, 3}}}}},
      {"mean (axis -1)", [](const Inputs& x) { return mean(x[0], -1); }, {{{{3}}}, {{{2, 3}}}}},
      {"max", [](const Inputs& x) { return max(x[0]); }, unary_shapes()},
      {"max (axis 0)", [](const Inputs& x) { return max(x[0], 0); }, {{{{3}}}, {{{2, 3}}}, {{{2, 3, 4}}}}},
      {"max (axis -1, keepdims)", [](const Inputs& x) { return max(x[0], -1, true); }, {{{{3}}}, {{{2, 3}}}}},
      {"reshape",
       [](const Inputs& x) {
         return reshape(x[0], {3, 2});
       },
       {{{{6}}}, {{{2, 3}}}, {{{1, 6}}}}},
      {"reshape (to 0-d)", [](const Inputs& x) { return reshape(x[0], {}); }, {{{{1}}}, {{{1, 1}}}}},
      {"transpose",
       [](const Inputs& x) { return transpose(x[0]); },
       {{{{}}}, {{{3}}}, {{{2, 3}}}, {{{2, 3, 4}}}}},
      {"broadcast_to",
       [](const Inputs& x) {
         return broadcast_to(x[0], {2, 3});
       },
       {{{{}}}, {{{3}}}, {{{2, 1}}}, {{{1, 3}}}}},
      {"sum_to",
       [](const Inputs& x) {
         return sum_to(x[0], {1, 3});
       },
       {{{{2, 3}}}, {{{4, 1, 3}}}}},
      {"sum_to (to 0-d)", [](const Inputs& x) { return sum_to(x[0], {}); }, {{{{2, 3}}}}},
      {"matmul",
       [](const Inputs& x) { return matmul(x[0], x[1]); },
       {{{{2, 3}}, {{3, 4}}}, {{{3}}, {{3, 4}}}, {{{2, 3}}, {{3}}}, {{{3}}, {{3}}}, {{{1, 1}}, {{1, 1}}}}},
      {"matmul (Aᵀ B)",
       [](const Inputs& x) { return matmul(x[0], x[1], true, false); },
       {{{{3, 2}}, {{3, 4}}}}},
      {"matmul (A Bᵀ)",
       [](const Inputs& x) { return matmul(x[0], x[1], false, true); },
       {{{{2, 3}}, {{4, 3}}}}},
      {"matmul (Aᵀ Bᵀ)",
       [](const Inputs& x) { return matmul(x[0], x[1], true, true); },
       {{{{3, 2}}, {{4, 3}}}}},
      // Convolution: (N, C, H, W) with (F, C, K, K'); small, so that the Jacobians stay small.
      {"conv2d",
       [](const Inputs& x) { return conv2d(x[0], x[1], x[2]); },
       {{{{1, 1, 3, 3}}, {{2, 1, 2, 2}}, {{2}}}, {{{2, 2, 3, 2}}, {{1, 2, 2, 1}}, {{1}}}}},
      {"conv2d (stride 2, padding 1)",
       [](const Inputs& x) { return conv2d(x[0], x[1], x[2], 2, 1); },
       {{{{1, 2, 3, 4}}, {{2, 2, 2, 3}}, {{2}}}}},
      {"conv2d (no bias)",
       [](const Inputs& x) { return conv2d(x[0], x[1], 1, 1); },
       {{{{2, 1, 2, 3}}, {{1, 1, 2, 2}}}}},
      {"conv2d_input_grad",
       [](const Inputs& x) {
         return conv2d_input_grad(x[0], x[1], {1, 2, 4, 3}, 2, 1);
       },
       {{{{1, 2, 3, 2}}, {{2, 2, 2, 2}}}}},
      {"conv2d_weight_grad",
       [](const Inputs& x) {
         return conv2d_weight_grad(x[0], x[1], {2, 2, 2, 2}, 2, 1);
       },
       {{{{1, 2, 4, 3}}, {{1, 2, 3, 2}}}}},
      // Pooling: random inputs have no ties, so every maximum is strict and differentiable.
      {"max_pool2d", [](const Inputs& x) { return max_pool2d(x[0], 2, 2); }, {{{{1, 2, 4, 5}}}}},
      {"max_pool2d (overlapping windows)",
       [](const Inputs& x) { return max_pool2d(x[0], 3, 1); },
       {{{{2, 1, 4, 4}}}}},
      {"max_pool2d_input_grad",
       [](const Inputs& x) { return max_pool2d_input_grad(x[0], x[1], 2, 1); },
       {{{{1, 2, 2, 3}}, {{1, 2, 3, 4}}}}},
      {"max_pool2d_gather",
       [](const Inputs& x) { return max_pool2d_gather(x[0], x[1], 2, 1); },
       {{{{1, 2, 3, 4}}, {{1, 2, 3, 4}}}}},
      {"avg_pool2d", [](const Inputs& x) { return avg_pool2d(x[0], 2, 2); }, {{{{1, 2, 4, 5}}}}},
      {"avg_pool2d (overlapping windows)",
       [](const Inputs& x) { return avg_pool2d(x[0], 3, 1); },
       {{{{2, 1, 4, 4}}}}},
      {"avg_pool2d_input_grad",
       [](const Inputs& x) {
         return avg_pool2d_input_grad(x[0], {1, 2, 3, 4}, 2, 1);
       },
       {{{{1, 2, 2, 3}}}}},
      {"softmax (axis 0)", [](const Inputs& x) { return softmax(x[0], 0); }, {{{{4}}}, {{{3, 2}}}}},
      {"softmax (axis -1)", [](const Inputs& x) { return softmax(x[0], -1); }, {{{{4}}}, {{{2, 3}}}}},
      {"log_softmax (axis 0)", [](const Inputs& x) { return log_softmax(x[0], 0); }, {{{{4}}}, {{{3, 2}}}}},
      {"log_softmax (axis 1)", [](const Inputs& x) { return log_softmax(x[0], 1); }, {{{{2, 3}}}}},
      {"gelu", [](const Inputs& x) { return tg::examples::gelu(x[0]); }, unary_shapes()},
  };
}

std::string describe(const Row& row, const std::vector<Operand>& operands) {
  std::vector<std::string> shapes;
  for (const Operand& o : operands) shapes.push_back(tg::shape_str(o.shape));
  return fmt::format("{} {}", row.op, fmt::join(shapes, " "));
}

}  // namespace

TEST_CASE("every op in the table passes gradcheck and gradgradcheck") {
  std::uint64_t seed = 1;
  std::size_t rows_checked = 0;
  for (const Row& row : op_table()) {
    for (const auto& operands : row.cases) {
      std::vector<tg::Tensor> inputs;
      for (const Operand& o : operands) inputs.push_back(tg::test::random_tensor(o.shape, o.domain, seed++));
      const std::string what = describe(row, operands);
      CAPTURE(what);
      const tg::GradcheckResult first = tg::gradcheck(row.f, inputs);
      CHECK_MESSAGE(first.ok, first.report);
      CHECK(first.entries > 0);
      const tg::GradcheckResult second = tg::gradgradcheck(row.f, inputs);
      CHECK_MESSAGE(second.ok, second.report);
      ++rows_checked;
    }
  }
  CHECK(rows_checked >= 100);
}
